package dev.warden.agent.cli.report;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditFile;
import dev.warden.agent.audit.AuditRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code report} on a million audit records (a week of a busy service: 40 operations, 200 callers,
 * every decision, Jira's 429s with retries), tables alone and with the page, in a JVM limited to a
 * 96 MB heap: each run is one cold report, as a user runs it.
 *
 * <p>Run: {@code mvn -B -q -pl agent exec:exec -Pbench -Dbench.args='ReportBenchmark'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx96m"})
public class ReportBenchmark {

  static final long START = 1_700_000_000_000_000_000L;
  static final String[] DECISIONS = {"allow", "allow", "allow", "allow", "deny", "throttled"};

  @Param({"1000000"})
  int records;

  Path dir;
  Path file;
  Path page;

  @Setup(Level.Trial)
  public void write() throws IOException {
    dir = Files.createTempDirectory("warden-report-bench");
    file = dir.resolve("audit.jsonl");
    page = dir.resolve("report.html");
    long week = 7L * 24 * 3_600_000_000_000L;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < records; i++) {
        long start = START + week / records * i;
        String decision = DECISIONS[i % DECISIONS.length];
        AuditRecord.Builder record =
            AuditRecord.builder(i % 3 == 0 ? "POST" : "GET", start)
                .route("/rest/api/3/issue/{issueIdOrKey}")
                .put(
                    AuditAttributes.URL_FULL,
                    "https://acme.atlassian.net/rest/api/3/issue/OPS-" + i)
                .put(AuditAttributes.SERVER_ADDRESS, "acme.atlassian.net")
                .put(AuditAttributes.SERVER_PORT, 443L)
                .put(
                    AuditAttributes.HTTP_RESPONSE_STATUS_CODE,
                    decision.equals("allow") ? 200L : 403L)
                .put(AuditAttributes.JIRA_SITE, "acme")
                .put(AuditAttributes.JIRA_OPERATION, "operation" + (i % 40))
                .put(AuditAttributes.JIRA_ISSUE_KEY, "OPS-" + i)
                .put(AuditAttributes.WARDEN_DECISION, decision)
                .put(AuditAttributes.WARDEN_RULE, "rule" + (i % 12))
                .put(AuditAttributes.WARDEN_CALLER, "com.acme.Caller" + (i % 200) + ".call")
                .put(AuditAttributes.WARDEN_CREDENTIAL, "bot");
        if (decision.equals("throttled")) {
          record
              .put(AuditAttributes.WARDEN_THROTTLE, "reads")
              .put(AuditAttributes.WARDEN_THROTTLE_WAIT_MS, (long) (i % 500));
        }
        if (i % 97 == 0) {
          record
              .event(
                  new AuditRecord.Event(
                      "warden.retry",
                      start + 1,
                      Map.of(
                          AuditAttributes.HTTP_RESPONSE_STATUS_CODE,
                          429L,
                          AuditAttributes.JIRA_RATE_LIMIT_REASON,
                          "jira-burst-based")))
              .put(AuditAttributes.HTTP_REQUEST_RESEND_COUNT, 1L)
              .put(AuditAttributes.JIRA_RATE_LIMIT_REASON, "jira-burst-based");
        }
        out.write(
            AuditFile.line(
                record.end(start + (i % 1000) * 1_000_000L),
                new String[] {"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", null}));
        out.write('\n');
      }
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    Files.deleteIfExists(page);
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

  @Benchmark
  public int tables() {
    return new Report(NOWHERE, System.err).run(new String[] {file.toString()});
  }

  @Benchmark
  public int tablesAndPage() {
    return new Report(NOWHERE, System.err)
        .run(new String[] {file.toString(), "--html", page.toString()});
  }
}
