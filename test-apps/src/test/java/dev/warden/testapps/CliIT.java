package dev.warden.testapps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code java -jar warden-agent.jar}: check, explain, --help, --version, and their exit codes. */
class CliIT {

  static Path dir;
  static Path example;

  @BeforeAll
  static void setUp() throws Exception {
    dir =
        Files.createDirectories(
            Path.of(System.getProperty("warden.work.dir", "target/it-work"), "cli"));
    example = dir.resolve("example-policy.yaml");
    try (var in = CliIT.class.getResourceAsStream("/example-policy.yaml")) {
      Files.write(example, in.readAllBytes());
    }
  }

  static AppRun cli(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-jar", AppLauncher.builtAgent().toString()));
    all.addAll(List.of(args));
    Process process = new ProcessBuilder(prepend(AppLauncher.java(), all)).start();
    String out = new String(process.getInputStream().readAllBytes());
    String err = new String(process.getErrorStream().readAllBytes());
    process.waitFor();
    return new AppRun(process.exitValue(), out.lines().toList(), err.lines().toList());
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> out = new ArrayList<>();
    out.add(first);
    out.addAll(rest);
    return out;
  }

  @Test
  void checkAcceptsTheContractExampleWithASummaryAndWarnings() throws Exception {
    AppRun run = cli("check", example.toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout().get(0))
        .isEqualTo(
            example
                + ": valid policy (enforce): 4 sites, 4 credentials, 3 throttles, 5 rules, 2 warnings");
    assertThat(run.stdout().get(1))
        .startsWith(example + ":71:5: warning: rule 'sync-reads' allows read:jira-work alone");
    assertThat(run.stdout().get(2))
        .startsWith(example + ":86:5: warning: allow rule 'reports-read' names unscoped");
  }

  @Test
  void checkRejectsAnInvalidPolicyWithOneLinePerProblem() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        Files.readString(example)
            .replace("effect: deny", "effect: refuse")
            .replace("password: ${env:JIRA_API_TOKEN}", "password: hunter2"));
    AppRun run = cli("check", bad.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stdout())
        .hasSize(2)
        .allSatisfy(
            l ->
                assertThat(l)
                    .matches(java.util.regex.Pattern.quote(bad.toString()) + ":\\d+:\\d+: .+"));
    assertThat(run.all()).doesNotContain("hunter2");
  }

  @Test
  void explainShowsHowARequestWouldBeTreated() throws Exception {
    AppRun denied =
        cli(
            "explain",
            example.toString(),
            "--caller",
            "com.acme.sync.SyncJob$1",
            "DELETE",
            "https://acme.atlassian.net/rest/api/2/issue/OPS-12");
    assertThat(denied.exitCode()).isEqualTo(3);
    assertThat(denied.stdout())
        .contains(
            "site:       acme",
            "operation:  deleteIssue",
            "scope:      write:jira-work",
            "project:    OPS",
            "issue:      OPS-12",
            "caller:     com.acme.sync.SyncJob",
            "rule:       default-deny",
            "decision:   deny",
            "credential: acme-bot");

    // Jira Software on a Cloud site; the same operation on a Data Center site is its twin.
    AppRun agile =
        cli(
            "explain",
            example.toString(),
            "--caller",
            "com.acme.sync.SyncJob",
            "GET",
            "https://acme.atlassian.net/rest/agile/latest/issue/OPS-7");
    assertThat(agile.stdout())
        .contains(
            "operation:  software:getIssue",
            "scope:      read:issue:jira-software",
            "issue:      OPS-7",
            "project:    OPS");
    AppRun twin =
        cli(
            "explain",
            example.toString(),
            "GET",
            "https://jira.corp.example.com/jira/rest/agile/1.0/issue/OPS-7");
    assertThat(twin.stdout()).contains("operation:  software:getIssue");
    AppRun session =
        cli(
            "explain",
            example.toString(),
            "GET",
            "https://jira.corp.example.com/jira/rest/auth/1/session");
    assertThat(session.stdout()).contains("operation:  datacenter:currentUser");

    Path body = dir.resolve("create.json");
    Files.writeString(body, "{\"fields\":{\"project\":{\"key\":\"OPS\"},\"summary\":\"x\"}}");
    AppRun allowed =
        cli(
            "explain",
            example.toString(),
            "--json",
            "--caller",
            "com.acme.triage.TriageBot",
            "POST",
            "https://acme.atlassian.net/rest/api/3/issue",
            body.toString());
    assertThat(allowed.exitCode()).isZero();
    JsonNode json = Harness.JSON.readTree(allowed.stdout().get(0));
    assertThat(json.path("operation").asText()).isEqualTo("createIssue");
    assertThat(json.path("rule").asText()).isEqualTo("triage-writes");
    assertThat(json.path("decision").asText()).isEqualTo("allow");
    assertThat(json.path("throttle").asText()).startsWith("per-caller");
    assertThat(json.path("credential").asText()).isEqualTo("acme-bot");
  }

  @Test
  void explainDeniesInDryRunTooAndSaysWhenAUrlIsNotJira() throws Exception {
    Path dryRun = dir.resolve("dry-run.yaml");
    Files.writeString(dryRun, Files.readString(example).replace("mode: enforce", "mode: dry-run"));
    AppRun denied =
        cli(
            "explain",
            dryRun.toString(),
            "DELETE",
            "https://acme.atlassian.net/rest/api/2/issue/OPS-12");
    assertThat(denied.exitCode()).isEqualTo(3);
    assertThat(denied.stdout()).contains("decision:   would-deny");

    AppRun other =
        cli("explain", example.toString(), "GET", "https://example.com/rest/api/2/issue/OPS-1");
    assertThat(other.exitCode()).isZero();
    assertThat(other.stdout()).contains("decision:   not-jira");
  }

  @Test
  void noSecretReachesTheCommandsOutput() throws Exception {
    String secret = "cli-secret-" + java.util.UUID.randomUUID();
    Path file = dir.resolve("jira-token");
    Files.writeString(file, secret + "\n");
    Path policy = dir.resolve("secret-file.yaml");
    Files.writeString(
        policy,
        """
        version: 1
        sites:
          - {id: jira, url: 'https://acme.atlassian.net', credential: bot}
        credentials:
          bot: {type: basic, username: bot@acme.example, password: '${file:%s}'}
        rules:
          - {id: r, effect: allow, operations: [read:jira-work, read:jira-user, unscoped]}
        """
            .formatted(file));
    List<AppRun> runs =
        List.of(
            // The file is readable by others: check warns, naming the file and never its content.
            cli("check", policy.toString()),
            cli(
                "explain",
                policy.toString(),
                "GET",
                "https://bot:"
                    + secret
                    + "@acme.atlassian.net/rest/api/2/issue/OPS-1?os_password="
                    + secret),
            cli(
                "explain",
                policy.toString(),
                "--json",
                "GET",
                "https://acme.atlassian.net/rest/api/2/issue/OPS-1?os_username=bot&os_password="
                    + secret),
            cli(
                "explain",
                policy.toString(),
                "GET",
                "https://bot:" + secret + "@acme atlassian net/"),
            cli(
                "explain",
                policy.toString(),
                "GET",
                "//bot:" + secret + "@acme.atlassian.net/rest"));
    assertThat(runs.get(0).stdout()).anyMatch(l -> l.contains("group or others can read"));
    assertThat(runs.get(1).stdout())
        .contains(
            "url:        https://REDACTED:REDACTED@acme.atlassian.net/rest/api/2/issue/OPS-1?os_password=REDACTED");
    assertThat(runs.get(3).exitCode()).isEqualTo(2);
    assertThat(runs.get(4).exitCode()).isEqualTo(2);
    assertThat(runs).allSatisfy(run -> assertThat(run.all()).doesNotContain(secret));
  }

  @Test
  void usageErrorsExitTwoAndHelpAndVersionExitZero() throws Exception {
    assertThat(cli("explain", example.toString(), "GET").exitCode()).isEqualTo(2);
    assertThat(cli("frobnicate").exitCode()).isEqualTo(2);
    assertThat(cli().exitCode()).isEqualTo(2);
    AppRun help = cli("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.all())
        .contains(
            "check POLICY", "explain POLICY [--caller CLASS] [--json] METHOD URL [BODY-FILE]");
    AppRun version = cli("--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.stdout().get(0)).startsWith("warden 0.1.0");
    Path invalid = dir.resolve("invalid-explain.yaml");
    Files.writeString(invalid, "version: 1\n");
    assertThat(
            cli(
                    "explain",
                    invalid.toString(),
                    "GET",
                    "https://acme.atlassian.net/rest/api/2/myself")
                .exitCode())
        .isEqualTo(1);
  }
}
