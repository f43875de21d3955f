package dev.warden.testapps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.testapps.fakejira.Received;
import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A Quarkus application ({@code test-apps/quarkus-app}, built by the Quarkus Maven plugin, run as
 * {@code java -javaagent:warden-agent.jar -jar target/quarkus-app/quarkus-run.jar}: Quarkus's own
 * class loader): the client scenarios through the Quarkus REST client's Jakarta REST {@code
 * Client}, and its injected declarative client. Both send on Vert.x core, whose requests Warden's
 * Netty gate decides.
 */
class QuarkusIT extends ClientScenarios {

  static Path quarkusJar() {
    Path jar = Path.of(System.getProperty("warden.quarkus.jar"));
    assertThat(jar).as("built by test-apps/quarkus-app").exists();
    return jar;
  }

  @Override
  String client() {
    return "quarkus";
  }

  @Override
  AppLauncher client(AppLauncher app) {
    return app.jar(quarkusJar()).args("--client", client());
  }

  /** The Jakarta REST API does not say which HTTP version answered. */
  @Override
  boolean reportsVersion() {
    return false;
  }

  /** Each request is gated inside its own connection and sent once. */
  @Override
  boolean resendsJira429() {
    return false;
  }

  private static final String DECLARED_POLICY =
      """
      version: 1
      unmanaged-egress: block
      sites:
        - id: jira
          url: {jira}
          credential: bot
      credentials:
        bot:
          type: basic
          username: bot@acme.example
          password: ${env:JIRA_TOKEN}
      rules:
        - id: no-deletes
          effect: deny
          operations: [deleteIssue]
        - id: bot-creates
          effect: allow
          callers: com.acme.quarkus.IssueBot
          operations: [createIssue]
          projects: [OPS]
        - id: reads
          effect: allow
          operations: [read:jira-work]
      """;

  @Test
  void injectedDeclarativeClientIsDecidedWithTheBeanThatUsedItAsCaller() throws Exception {
    AppRun run =
        harness
            .app(harness.policy(DECLARED_POLICY))
            .jar(quarkusJar())
            .javaOption("-Dquarkus.rest-client.jira.url=" + harness.jira.url())
            .args("--declared")
            .run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.suppressed()).as("advice errors, as the probe reported them").isEqualTo("0");
    Map<String, JsonNode> steps =
        run.steps().stream()
            .collect(Collectors.toMap(s -> s.path("step").asText(), Function.identity()));
    assertThat(steps.get("get").path("status").asInt()).isEqualTo(200);
    assertThat(steps.get("get-async").path("status").asInt()).isEqualTo(200);
    assertThat(steps.get("create-OPS").path("status").asInt()).isEqualTo(201);
    assertThat(steps.get("create-SEC").path("status").asInt()).isEqualTo(403);
    assertThat(steps.get("create-SEC").path("decision").asText()).isEqualTo("deny");
    assertThat(steps.get("delete").path("status").asInt()).isEqualTo(403);

    List<Received> received = harness.jira.journal().all();
    assertThat(received)
        .extracting(r -> r.method() + " " + r.path())
        .containsExactlyInAnyOrder(
            "GET /rest/api/2/issue/OPS-1", "GET /rest/api/2/issue/OPS-2", "POST /rest/api/2/issue");
    assertThat(received)
        .allSatisfy(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));

    List<ReceivedSpan> spans = harness.spans(s -> true, 5);
    assertThat(spans)
        .extracting(s -> s.attribute("jira.operation") + " " + s.attribute("warden.decision"))
        .containsExactlyInAnyOrder(
            "getIssue allow",
            "getIssue allow",
            "createIssue allow",
            "createIssue deny",
            "deleteIssue deny");
    // The generated implementation of the client interface is not the application: the bean that
    // called it is.
    assertThat(spans)
        .extracting(s -> s.attribute("warden.caller"))
        .containsExactlyInAnyOrder(
            "com.acme.quarkus.IssueBot.getIssue",
            "com.acme.quarkus.IssueBot.getIssueAsync",
            "com.acme.quarkus.IssueBot.createIssue",
            "com.acme.quarkus.IssueBot.createIssue",
            "com.acme.quarkus.IssueBot.deleteIssue");
    assertThat(harness.outputs(run))
        .allSatisfy(text -> assertThat(text).doesNotContain(harness.token));
  }

  @Override
  java.util.Set<String> refusedByTheClient() {
    // Quarkus's REST client reads 127.1:port as port 80 of 127.0.0.1.
    return java.util.Set.of("short-ip");
  }
}
