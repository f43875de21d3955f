package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit file as a JVM writes it: rotation under load, and two JVMs named the same file. */
class AuditFileIT {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Reads allowed, deletes denied. */
  static final String POLICY = Harness.librarySyncPolicy("com.acme.**");

  @RegisterExtension static final Harness harness = new Harness();

  /** Every line of the file and its rotations. */
  static List<JsonNode> records(Path file) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    String name = file.getFileName().toString();
    try (Stream<Path> listed = Files.list(file.getParent())) {
      for (Path one :
          listed
              .filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .matches(java.util.regex.Pattern.quote(name) + "(\\.[0-9]+)?"))
              .toList()) {
        for (String line : Files.readAllLines(one)) {
          all.add(JSON.readTree(line));
        }
      }
    }
    return all;
  }

  @Test
  void aSmallMaxSizeUnderConcurrentCallsRotatesAndLosesNoRecord() throws Exception {
    Path audit = harness.dir.resolve("rotated/audit.jsonl");
    AppRun run =
        harness
            .app(harness.policy(POLICY), "jdk")
            .agentArgument("audit.file", audit.toString())
            .agentArgument("audit.file.max-size", "8KB")
            .agentArgument("audit.file.keep", "1000")
            .args(
                harness
                    .steps(
                        List.of(
                            Steps.with(
                                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                                "parallel",
                                100),
                            Steps.with(
                                call("sync", "DELETE", "{jira}/rest/api/2/issue/OPS-2"),
                                "parallel",
                                50)))
                    .toString())
            .run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<JsonNode> records = records(audit);
    try (Stream<Path> listed = Files.list(audit.getParent())) {
      List<Path> files = listed.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList();
      assertThat(files).as("rotated files").hasSizeGreaterThan(5);
      for (Path file : files) {
        assertThat(Files.size(file)).as("size of %s", file).isLessThanOrEqualTo(8 * 1024);
      }
    }
    assertThat(records).hasSize(150);
    Set<String> spanIds = new HashSet<>();
    records.forEach(r -> spanIds.add(r.path("span_id").asText()));
    assertThat(spanIds).hasSize(150);
    assertThat(records)
        .extracting(r -> r.path("attributes").path("warden.decision").asText())
        .containsOnly("allow", "deny")
        .filteredOn("deny"::equals)
        .hasSize(50);
    assertThat(harness.jira.journal().all()).hasSize(100);

    // What the report makes of the rotated files, named by the current one.
    AppRun report = CliIT.cli("report", audit.toString());
    assertThat(report.exitCode()).as(report.toString()).isZero();
    assertThat(String.join("\n", report.stdout()))
        .containsPattern("records: 150, from ")
        .containsPattern("(?m)^  allow\\s+100\\s+66\\.7%$")
        .containsPattern("(?m)^  deny\\s+50\\s+33\\.3%$")
        .containsPattern("(?m)^  no-deletes\\s+com\\.acme\\.\\S+\\s+50$")
        .doesNotContain("lines that are not audit records");
  }

  @Test
  void aSecondJvmNamingTheSameFileWritesItsOwnAndSaysSo() throws Exception {
    Path audit = harness.dir.resolve("shared/audit.jsonl");
    Path firstDone = harness.dir.resolve("shared-first-called");
    Path release = harness.dir.resolve("shared-release");
    Path policy = harness.policy(POLICY);
    AppLauncher.Running first =
        harness
            .app(policy, "jdk")
            .agentArgument("audit.file", audit.toString())
            .args(
                harness
                    .steps(
                        List.of(
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                            Map.<String, Object>of("touchFile", firstDone.toString()),
                            Map.<String, Object>of("awaitFile", release.toString())))
                    .toString())
            .start();
    AppRun second;
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.exists(firstDone) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(firstDone).exists();
      second =
          harness
              .app(policy, "jdk")
              .agentArgument("audit.file", audit.toString())
              .args(
                  harness
                      .steps(
                          List.of(
                              call("sync", "GET", "{jira}/rest/api/2/issue/OPS-2"),
                              call("sync", "GET", "{jira}/rest/api/2/issue/SUP-1")))
                      .toString())
              .run();
    } finally {
      Files.createFile(release);
    }
    AppRun firstRun = first.await();

    assertThat(firstRun.exitCode()).isZero();
    assertThat(second.exitCode()).isZero();
    assertThat(second.wardenLog())
        .anySatisfy(line -> assertThat(line).contains("is written by another JVM"));
    List<String> own;
    try (Stream<Path> listed = Files.list(audit.getParent())) {
      own =
          listed
              .map(p -> p.getFileName().toString())
              .filter(n -> n.matches("audit\\.jsonl\\.pid-[0-9]+"))
              .toList();
    }
    assertThat(own).as("the second JVM's file, audit.jsonl.pid-<pid>").hasSize(1);
    assertThat(Files.readAllLines(audit))
        .singleElement()
        .asString()
        .contains("/rest/api/2/issue/OPS-1");
    assertThat(Files.readAllLines(audit.resolveSibling(own.get(0))))
        .hasSize(2)
        .anySatisfy(line -> assertThat(line).contains("/issue/OPS-2"))
        .anySatisfy(line -> assertThat(line).contains("/issue/SUP-1"));
  }
}
