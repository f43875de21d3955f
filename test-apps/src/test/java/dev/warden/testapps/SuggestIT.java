package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.create;
import static dev.warden.testapps.Steps.withBody;
import static dev.warden.testapps.Steps.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * From first attach to least privilege: a service runs in dry-run, {@code suggest} learns a policy
 * from its audit, {@code check} and {@code explain} accept it, and the service runs in enforce
 * under it: what it did before is allowed, anything else is denied.
 */
class SuggestIT {

  static final String DRY_RUN =
      """
      version: 1
      mode: dry-run
      caller-skip: [com.acme.http.**]
      sites:
        - {id: jira, url: '{jira}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      throttles:
        reports: {capacity: 50, refill: 50/1m}
      rules:
        - {id: no-deletes, effect: deny, operations: deleteIssue}
        - {id: reads, effect: allow, operations: getIssue}
      """;

  @RegisterExtension static final Harness harness = new Harness();

  static Map<String, Object> createIn(String as, String project) {
    return withBody(
        withHeader(call(as, "POST", "{jira}/rest/api/2/issue"), "Content-Type", "application/json"),
        create(project, "learned"));
  }

  /**
   * What the service does: reads, a search, a create and a transition, a delete its policy denies.
   */
  static List<Map<String, Object>> seen() {
    return List.of(
        call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
        call("sync", "GET", "{jira}/rest/api/3/search/jql?jql=project%3DOPS"),
        createIn("triage", "OPS"),
        withBody(
            withHeader(
                call("triage", "POST", "{jira}/rest/api/2/issue/OPS-1/transitions"),
                "Content-Type",
                "application/json"),
            "{\"transition\":{\"id\":\"21\"}}"),
        call("reports", "GET", "{jira}/rest/api/2/issue/HR-1"),
        call("sync", "DELETE", "{jira}/rest/api/2/issue/OPS-2"));
  }

  @Test
  void aPolicyLearnedInDryRunAllowsWhatWasSeenAndNothingElse() throws Exception {
    Path audit = harness.dir.resolve("dry-run.jsonl");
    AppRun dry =
        harness
            .app(harness.policy(DRY_RUN), "jdk")
            .agentArgument("audit.file", audit.toString())
            .args(harness.steps(seen()).toString())
            .run();
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.steps()).extracting(s -> s.path("status").asInt()).doesNotContain(403);

    AppRun suggest =
        CliIT.cli("suggest", audit.toString(), "--policy", harness.policy(DRY_RUN).toString());
    assertThat(suggest.exitCode()).as(suggest.toString()).isZero();
    String suggested = String.join("\n", suggest.stdout()) + "\n";
    Path learned = harness.dir.resolve("learned.yaml");
    Files.writeString(learned, suggested);
    assertThat(suggested)
        .doesNotContain("mode:")
        .contains("no-deletes")
        .contains("callers: com.acme.sync.IssueSync")
        .contains("callers: com.acme.triage.TriageBot")
        .contains("callers: com.acme.reports.WeeklyReport")
        .contains("${env:JIRA_TOKEN}")
        .doesNotContain(harness.token);

    AppRun check = CliIT.cli("check", learned.toString());
    assertThat(check.exitCode()).as(check + "\n" + suggested).isZero();

    // explain allows every call seen but the delete its policy denies, judged as the audit has it.
    Path body = harness.dir.resolve("create-ops.json");
    Files.writeString(body, "{\"fields\":{\"project\":{\"key\":\"OPS\"}}}");
    String jira = harness.jira.url().toString();
    assertThat(explain(learned, "com.acme.sync.IssueSync", "GET", jira + "/rest/api/2/issue/OPS-1"))
        .isZero();
    assertThat(
            explain(
                learned,
                "com.acme.sync.IssueSync",
                "GET",
                jira + "/rest/api/3/search/jql?jql=project%3DOPS"))
        .isZero();
    assertThat(
            explain(
                learned,
                "com.acme.triage.TriageBot",
                "POST",
                jira + "/rest/api/2/issue",
                body.toString()))
        .isZero();
    assertThat(
            explain(
                learned,
                "com.acme.triage.TriageBot",
                "POST",
                jira + "/rest/api/2/issue/OPS-1/transitions"))
        .isZero();
    assertThat(
            explain(
                learned, "com.acme.reports.WeeklyReport", "GET", jira + "/rest/api/2/issue/HR-1"))
        .isZero();
    assertThat(
            explain(learned, "com.acme.sync.IssueSync", "DELETE", jira + "/rest/api/2/issue/OPS-2"))
        .isEqualTo(3);

    // Enforced: the same calls go through; another operation, project or caller is denied.
    harness.clear();
    List<Map<String, Object>> enforced = new java.util.ArrayList<>(seen());
    enforced.add(call("sync", "GET", "{jira}/rest/api/2/issue/HR-1"));
    enforced.add(createIn("sync", "OPS"));
    enforced.add(call("main", "GET", "{jira}/rest/api/2/issue/OPS-1"));
    enforced.add(createIn("triage", "HR"));
    AppRun run = harness.app(learned, "jdk").args(harness.steps(enforced).toString()).run();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.steps())
        .extracting(s -> s.path("status").asInt())
        .as(run + "\n" + suggested)
        .containsExactly(200, 200, 201, 204, 200, 403, 403, 403, 403, 403);
    assertThat(run.step(6).path("headers").path("x-warden-rule").asText()).isEqualTo("no-deletes");
    assertThat(run.step(7).path("headers").path("x-warden-rule").asText())
        .isEqualTo("default-deny");
  }

  static int explain(Path policy, String caller, String method, String url, String... body)
      throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("explain", policy.toString(), "--caller", caller, method, url));
    args.addAll(List.of(body));
    AppRun run = CliIT.cli(args.toArray(String[]::new));
    return run.exitCode();
  }
}
