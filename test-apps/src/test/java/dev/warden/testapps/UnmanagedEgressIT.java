package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code unmanaged-egress}: connections to a site that no hooked client made, from a raw {@code
 * Socket} and a {@code SocketChannel} speaking HTTP by hand. (That hooked clients are never
 * refused, fifty connections at once, is proven by every client's scenarios, which run under {@code
 * block}.)
 */
class UnmanagedEgressIT {

  static final String POLICY =
      """
      version: 1
      mode: %s
      unmanaged-egress: %s
      caller-skip: [com.acme.http.**]
      sites:
        - {id: jira, url: '{jira}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      rules:
        - {id: reads, effect: allow, operations: read:jira-work}
      """;

  @RegisterExtension static final Harness harness = new Harness();

  private AppRun run(String mode, String egress, String client, List<Map<String, Object>> steps)
      throws Exception {
    Path policy = harness.policy(POLICY.formatted(mode, egress));
    AppRun run = harness.app(policy, client).args(harness.steps(steps).toString()).run();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run;
  }

  private String jiraHostPort() {
    return harness.jira.url().getHost() + ":" + harness.jira.url().getPort();
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "socket-channel"})
  void auditRecordsTheConnectionAndLetsItThrough(String client) throws Exception {
    AppRun run =
        run(
            "enforce",
            "audit",
            client,
            List.of(
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                call("triage", "GET", "{jira}/rest/api/2/myself")));

    // Through, and as the application wrote it: Warden adds nothing to a connection it does not
    // manage.
    assertThat(run.steps()).extracting(s -> s.path("status").asInt()).containsExactly(401, 401);
    assertThat(harness.jira.journal().all())
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.header("Authorization")).isNull());
    List<ReceivedSpan> spans = harness.spans(s -> s.name().startsWith("CONNECT"), 2);
    assertThat(spans)
        .allSatisfy(
            s -> {
              assertThat(s.name()).isEqualTo("CONNECT " + jiraHostPort());
              assertThat(s.attribute("warden.decision")).isEqualTo("unmanaged");
              assertThat(s.attribute("server.address")).isEqualTo(harness.jira.url().getHost());
              assertThat(s.attribute("server.port")).isEqualTo((long) harness.jira.url().getPort());
            })
        .extracting(s -> s.attribute("warden.caller"))
        .containsExactlyInAnyOrder(
            "com.acme.sync.IssueSync.call", "com.acme.triage.TriageBot.call");
    assertThat(run.wardenLog())
        .filteredOn(line -> line.contains("unmanaged connection"))
        .hasSize(2)
        .allSatisfy(
            line ->
                assertThat(line).contains("warn:").contains(jiraHostPort()).contains("recorded"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "socket-channel"})
  void blockRefusesTheConnectionWithTheConnectsOwnException(String client) throws Exception {
    AppRun run =
        run(
            "enforce",
            "block",
            client,
            List.of(
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                call("sync", "GET", "{echo}/not-jira")));

    assertThat(run.step(1).path("error").asText()).isEqualTo("java.net.ConnectException");
    assertThat(run.step(1).path("message").asText())
        .startsWith("warden: ")
        .contains(jiraHostPort())
        .contains("unmanaged-egress: block");
    assertThat(harness.jira.journal().all()).isEmpty();
    // A host that is no site's is none of Warden's business, whatever connects to it.
    assertThat(run.step(2).path("status").asInt()).isEqualTo(200);
    assertThat(harness.echo.journal().all()).hasSize(1);
    assertThat(harness.spans(s -> s.name().startsWith("CONNECT"), 1))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.attribute("warden.decision")).isEqualTo("unmanaged");
              assertThat(s.attribute("warden.caller")).isEqualTo("com.acme.sync.IssueSync.call");
            });
    assertThat(run.wardenLog())
        .filteredOn(line -> line.contains("unmanaged connection"))
        .singleElement()
        .satisfies(line -> assertThat(line).contains("refused"));
  }

  @Test
  void dryRunRecordsButNeverRefuses() throws Exception {
    AppRun run =
        run(
            "dry-run",
            "block",
            "socket",
            List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));

    assertThat(run.step(1).path("status").asInt()).isEqualTo(401);
    assertThat(harness.jira.journal().all()).hasSize(1);
    assertThat(harness.spans(s -> s.name().startsWith("CONNECT"), 1))
        .singleElement()
        .satisfies(s -> assertThat(s.attribute("warden.decision")).isEqualTo("unmanaged"));
  }

  @Test
  void offIgnoresIt() throws Exception {
    AppRun run =
        run(
            "enforce",
            "off",
            "socket",
            List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));

    assertThat(run.step(1).path("status").asInt()).isEqualTo(401);
    assertThat(harness.jira.journal().all()).hasSize(1);
    Thread.sleep(500);
    assertThat(harness.otlp.spans()).isEmpty();
    assertThat(run.wardenLog()).noneSatisfy(line -> assertThat(line).contains("unmanaged"));
  }

  @Test
  void hookedClientsBesideRawConnectionsAreNeverRefused() throws Exception {
    // Forty threads at once in one JVM, every other one through a hooked client, the rest on raw
    // sockets.
    AppRun run =
        run(
            "enforce",
            "block",
            "jdk",
            List.of(
                Steps.with(
                    Steps.with(
                        call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"), "parallel", 40),
                    "clients",
                    List.of("jdk", "socket"))));

    assertThat(run.steps()).hasSize(40);
    assertThat(run.steps())
        .filteredOn(s -> s.path("thread").asInt() % 2 == 0)
        .hasSize(20)
        .allSatisfy(s -> assertThat(s.path("status").asInt()).isEqualTo(200));
    // A raw connection made while a hooked call to the same site is under way cannot be told apart
    // from the client's own (CONTRACT: "as far as the agent can tell"); the others are refused.
    List<com.fasterxml.jackson.databind.JsonNode> raw =
        run.steps().stream().filter(s -> s.path("thread").asInt() % 2 == 1).toList();
    assertThat(raw)
        .hasSize(20)
        .allSatisfy(
            s ->
                assertThat(
                        s.path("status").asInt() == 401
                            || s.path("message").asText().startsWith("warden: "))
                    .isTrue());
    long refused =
        raw.stream().filter(s -> s.path("message").asText().startsWith("warden: ")).count();
    assertThat(harness.spans(s -> s.name().startsWith("CONNECT"), (int) refused))
        .hasSize((int) refused);
    assertThat(harness.jira.journal().all())
        .filteredOn(r -> r.header("Authorization") != null)
        .hasSize(20)
        .allSatisfy(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));
  }
}
