package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Dry-run and {@code enabled=false}, end to end. */
class ModesIT {

  static final String POLICY =
      """
      version: 1
      mode: %s
      sites:
        - {id: jira, url: '{jira}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      throttles:
        default: {capacity: 1, refill: 1/1m, max-wait: 0s}
      rules:
        - {id: no-deletes, effect: deny, operations: deleteIssue}
        - {id: reads, effect: allow, operations: read:jira-work}
      """;

  @RegisterExtension static final Harness harness = new Harness();

  @Test
  void dryRunLetsEverythingThroughWhileAuditingWhatWouldHaveBeenStopped() throws Exception {
    Path policy = harness.policy(POLICY.formatted("dry-run"));
    AppRun run =
        harness
            .app(policy, "jdk")
            .args(
                harness
                    .steps(
                        List.of(
                            call("sync", "DELETE", "{jira}/rest/api/2/issue/HR-1"),
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
                    .toString())
            .run();

    assertThat(run.exitCode()).isZero();
    assertThat(run.step(1).path("status").asInt()).isEqualTo(204);
    assertThat(run.step(2).path("status").asInt()).isEqualTo(200);
    assertThat(run.step(3).path("status").asInt()).isEqualTo(200);
    assertThat(harness.jira.journal().all())
        .hasSize(3)
        .allSatisfy(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));
    assertThat(harness.spans(s -> true, 3))
        .extracting(
            s -> s.name() + " " + s.attribute("warden.decision") + " " + s.attribute("warden.rule"))
        .containsExactlyInAnyOrder(
            "DELETE /rest/api/2/issue/{issueIdOrKey} would-deny no-deletes",
            "GET /rest/api/2/issue/{issueIdOrKey} allow reads",
            "GET /rest/api/2/issue/{issueIdOrKey} would-throttle reads");
  }

  @Test
  void aTracingBackendThatIsDownNeverBreaksTheApplication() throws Exception {
    Path policy =
        harness.policy(
            POLICY
                .formatted("enforce")
                .replace("capacity: 1, refill: 1/1m", "capacity: 10, refill: 10/1s"));
    Path audit = harness.dir.resolve("backend-down.jsonl");
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AppRun run =
        harness
            .app(policy, "jdk")
            .agentArgument("audit.file", audit.toString())
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + closedPort)
            .args(
                harness
                    .steps(
                        List.of(
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                            call("sync", "GET", "{jira}/rest/api/2/issue/SUP-1"),
                            call("sync", "DELETE", "{jira}/rest/api/2/issue/OPS-1")))
                    .toString())
            .run();

    assertThat(run.exitCode()).isZero();
    assertThat(run.steps())
        .extracting(s -> s.path("status").asInt())
        .containsExactly(200, 200, 403);
    assertThat(java.nio.file.Files.readAllLines(audit)).hasSize(3);
    // Whatever the SDK has to say about the failed export comes through Warden's log, not around
    // it.
    assertThat(run.stderr())
        .allSatisfy(
            line ->
                assertThat(line)
                    .satisfiesAnyOf(
                        l -> assertThat(l).startsWith("[warden] "),
                        l -> assertThat(l).startsWith("OpenJDK 64-Bit Server VM warning")));
  }

  @Test
  void disabledAgentDoesNothingAtAll() throws Exception {
    Path policy = harness.policy(POLICY.formatted("enforce"));
    AppRun run =
        harness
            .app(policy, "jdk")
            .agentArgument("enabled", "false")
            .args(
                harness
                    .steps(List.of(call("sync", "DELETE", "{jira}/rest/api/2/issue/OPS-3")))
                    .toString())
            .run();

    assertThat(run.exitCode()).isZero();
    // The request went out as the application made it: no credential, so Jira refused it.
    assertThat(run.step(1).path("status").asInt()).isEqualTo(401);
    assertThat(harness.jira.journal().all())
        .singleElement()
        .satisfies(r -> assertThat(r.header("Authorization")).isNull());
    assertThat(run.wardenLog()).isEmpty();
    Thread.sleep(300);
    assertThat(harness.otlp.spans()).isEmpty();
  }

  @Test
  void settingsComeFromSystemPropertiesAndEnvironmentToo() throws Exception {
    Path policy = harness.policy(POLICY.formatted("enforce"));
    AppRun viaProperty =
        new AppLauncher()
            .agent(AppLauncher.builtAgent())
            .javaOption("-Dwarden.policy=" + policy)
            .env("JIRA_TOKEN", harness.token)
            .env("OTEL_TRACES_EXPORTER", "none")
            .args(
                "--client",
                "jdk",
                harness
                    .steps(List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
                    .toString())
            .run();
    AppRun viaEnvironment =
        new AppLauncher()
            .agent(AppLauncher.builtAgent())
            .env("WARDEN_POLICY", policy.toString())
            .env("WARDEN_LOG_LEVEL", "warn")
            .env("JIRA_TOKEN", harness.token)
            .env("OTEL_TRACES_EXPORTER", "none")
            .args(
                "--client",
                "jdk",
                harness
                    .steps(List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
                    .toString())
            .run();

    assertThat(viaProperty.step(1).path("status").asInt()).isEqualTo(200);
    assertThat(viaEnvironment.step(1).path("status").asInt()).isEqualTo(200);
    assertThat(viaProperty.wardenLog()).anySatisfy(l -> assertThat(l).contains("info: Warden"));
    assertThat(viaEnvironment.wardenLog()).noneSatisfy(l -> assertThat(l).contains("info:"));
  }
}
