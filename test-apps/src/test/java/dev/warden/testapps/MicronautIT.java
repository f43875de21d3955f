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
 * A Micronaut 4.10 application ({@code test-apps/micronaut-app}, one runnable jar, run as {@code
 * java -javaagent:warden-agent.jar -jar micronaut-app.jar}): the client scenarios through
 * Micronaut's Netty {@code HttpClient}, and an injected declarative {@code @Client}. Warden's Netty
 * gate decides their requests; Micronaut's hook says where each was made.
 */
class MicronautIT extends ClientScenarios {

  static Path micronautJar() {
    Path jar = Path.of(System.getProperty("warden.micronaut.jar"));
    assertThat(jar).as("built by test-apps/micronaut-app").exists();
    return jar;
  }

  @Override
  String client() {
    return "micronaut";
  }

  @Override
  AppLauncher client(AppLauncher app) {
    return app.jar(micronautJar()).args("--client", client());
  }

  /** Micronaut's responses do not say which HTTP version answered. */
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
          callers: com.acme.micronaut.IssueBot
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
            .jar(micronautJar())
            .javaOption("-Djira.url=" + harness.jira.url())
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
    // The client interface's introduced implementation is not the application: the bean that called
    // it is.
    assertThat(spans)
        .extracting(s -> s.attribute("warden.caller"))
        .containsExactlyInAnyOrder(
            "com.acme.micronaut.IssueBot.getIssue",
            "com.acme.micronaut.IssueBot.getIssueAsync",
            "com.acme.micronaut.IssueBot.createIssue",
            "com.acme.micronaut.IssueBot.createIssue",
            "com.acme.micronaut.IssueBot.deleteIssue");
    assertThat(harness.outputs(run))
        .allSatisfy(text -> assertThat(text).doesNotContain(harness.token));
  }
}
