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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Spring Boot executable jar ({@code test-apps/boot-app}: nested jars, Boot's own class loader)
 * run as {@code java -javaagent:warden-agent.jar -jar boot-app.jar}: its {@code RestClient}, on the
 * Apache HttpClient 5 Boot finds among the nested jars, is guarded like any application's.
 */
class SpringBootJarIT {

  @RegisterExtension static final Harness harness = new Harness();

  private static final String POLICY =
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
        - id: sync-creates
          effect: allow
          callers: com.acme.boot.JiraSync
          operations: [createIssue]
          projects: [OPS]
        - id: reads
          effect: allow
          operations: [read:jira-work]
      """;

  @Test
  void restClientInABootJarIsAuthenticatedDecidedAndAuditedWithItsCaller() throws Exception {
    Path jar = Path.of(System.getProperty("warden.boot.jar"));
    assertThat(jar).as("built by test-apps/boot-app").exists();
    AppRun run =
        harness
            .app(harness.policy(POLICY))
            .jar(jar)
            .args("--jira.url=" + harness.jira.url(), "--spring.main.banner-mode=off")
            .run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.suppressed()).as("advice errors, as the probe reported them").isEqualTo("0");
    Map<String, JsonNode> steps =
        run.steps().stream()
            .collect(Collectors.toMap(s -> s.path("step").asText(), Function.identity()));
    assertThat(steps.get("engine").path("loader").asText())
        .as("Apache HttpClient 5 comes from the jar's nested libraries")
        .startsWith("org.springframework.boot.loader.");
    assertThat(steps.get("get").path("status").asInt()).isEqualTo(200);
    assertThat(steps.get("create-OPS").path("status").asInt()).isEqualTo(201);
    assertThat(steps.get("create-SEC").path("status").asInt()).isEqualTo(403);
    assertThat(steps.get("create-SEC").path("decision").asText()).isEqualTo("deny");
    assertThat(steps.get("delete").path("status").asInt()).isEqualTo(403);

    List<Received> received = harness.jira.journal().all();
    assertThat(received)
        .extracting(r -> r.method() + " " + r.path())
        .containsExactlyInAnyOrder("GET /rest/api/2/issue/OPS-1", "POST /rest/api/2/issue");
    assertThat(received)
        .allSatisfy(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));

    List<ReceivedSpan> spans = harness.spans(s -> true, 4);
    assertThat(spans)
        .extracting(s -> s.attribute("jira.operation") + " " + s.attribute("warden.decision"))
        .containsExactlyInAnyOrder(
            "getIssue allow", "createIssue allow", "createIssue deny", "deleteIssue deny");
    assertThat(spans)
        .extracting(s -> s.attribute("warden.caller"))
        .containsExactlyInAnyOrder(
            "com.acme.boot.JiraSync.getIssue",
            "com.acme.boot.JiraSync.createIssue",
            "com.acme.boot.JiraSync.createIssue",
            "com.acme.boot.JiraSync.deleteIssue");
    assertThat(harness.outputs(run))
        .allSatisfy(text -> assertThat(text).doesNotContain(harness.token));
  }
}
