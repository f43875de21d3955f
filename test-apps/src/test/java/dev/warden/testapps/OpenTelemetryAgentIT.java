package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.fakejira.Received;
import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Warden beside the OpenTelemetry Java agent, both attached to the same application: both work,
 * Warden's audit span joins the application's trace as a child, it is never sampled away, and
 * nothing is sent twice (each request reaches Jira once; each span arrives once; neither agent
 * traces the other's exports).
 */
class OpenTelemetryAgentIT {

  static final String POLICY =
      """
      version: 1
      caller-skip: [com.acme.http.**]
      sites:
        - {id: jira, url: '{jira}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      rules:
        - {id: no-deletes, effect: deny, operations: deleteIssue}
        - {id: reads, effect: allow, operations: read:jira-work}
      """;
  static final String WARDEN_SCOPE = "dev.warden.audit";

  @RegisterExtension static final Harness harness = new Harness();
  static Path policy;

  @BeforeAll
  static void writePolicy() throws Exception {
    policy = harness.policy(POLICY);
  }

  private AppRun run(String client, String library, boolean otelFirst, Map<String, String> env)
      throws Exception {
    Path otel = AppLauncher.libraryJar("otel-javaagent-2.22");
    AppLauncher app =
        harness
            .app(policy, client)
            .env("OTEL_METRICS_EXPORTER", "none")
            .env("OTEL_LOGS_EXPORTER", "none");
    if (otelFirst) {
      app.agentBefore(otel);
    } else {
      app.javaOption("-javaagent:" + otel);
    }
    if (library != null) {
      app.library(library);
    }
    env.forEach(app::env);
    AppRun run =
        app.args(
                "--trace",
                harness
                    .steps(
                        List.of(
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                            call("triage", "DELETE", "{jira}/rest/api/2/issue/OPS-2"),
                            call("reports", "GET", "{echo}/elsewhere"),
                            // Time for both agents to export while the application runs (not only
                            // in their shutdown hooks).
                            new java.util.HashMap<String, Object>(Map.of("sleep", 1500))))
                    .toString())
            .run();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run;
  }

  @ParameterizedTest(name = "{0}, OpenTelemetry agent first: {2}")
  @CsvSource({
    "jdk, , true",
    "jdk, , false",
    "jdk-async, , true",
    "urlconnection, , true",
    "okhttp, okhttp-4.12, true",
    "apache4, apache-4.5, true",
    "apache5, apache-5.6, true"
  })
  void bothAgentsWorkAndTheAuditSpanIsAChildOfTheApplicationsTrace(
      String client, String library, boolean otelFirst) throws Exception {
    AppRun run = run(client, library, otelFirst, Map.of());

    assertThat(run.steps())
        .extracting(s -> s.path("status").asInt())
        .containsExactly(200, 403, 200);
    // Sent once, authenticated by Warden, carrying the OpenTelemetry agent's trace context.
    assertThat(harness.jira.journal().all())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization());
              assertThat(r.header("traceparent")).isNotNull();
            });
    assertThat(harness.echo.journal().all()).singleElement();

    List<ReceivedSpan> audit = harness.spans(s -> s.scope().equals(WARDEN_SCOPE), 2);
    List<ReceivedSpan> application = harness.spans(s -> s.scope().equals("com.acme"), 3);
    Thread.sleep(1500); // whatever either agent would send twice, or about the other's exports
    List<ReceivedSpan> all = harness.otlp.spans();

    // The callers are the application's classes, not either agent's (the OpenTelemetry agent adds
    // frames of its own).
    assertThat(audit)
        .extracting(s -> s.name() + " " + s.attribute("warden.caller"))
        .containsExactlyInAnyOrder(
            "GET /rest/api/2/issue/{issueIdOrKey} com.acme.sync.IssueSync.call",
            "DELETE /rest/api/2/issue/{issueIdOrKey} com.acme.triage.TriageBot.call");
    Map<String, ReceivedSpan> byId =
        all.stream()
            .collect(
                Collectors.toMap(
                    ReceivedSpan::spanId,
                    s -> s,
                    (a, b) -> {
                      throw new AssertionError("span sent twice: " + a + " / " + b);
                    }));
    for (ReceivedSpan span : audit) {
      ReceivedSpan appSpan =
          application.stream()
              .filter(
                  s -> s.name().equals(span.name().startsWith("GET") ? "acme sync" : "acme triage"))
              .findFirst()
              .orElseThrow();
      assertThat(span.traceId()).as("trace of %s", span.name()).isEqualTo(appSpan.traceId());
      // The parent is the application's span or the OpenTelemetry agent's client span inside it.
      ReceivedSpan parent = byId.get(span.parentSpanId());
      assertThat(parent).as("parent of %s", span.name()).isNotNull();
      assertThat(parent.traceId()).isEqualTo(appSpan.traceId());
    }
    Received get = harness.jira.journal().all().get(0);
    assertThat(get.header("traceparent"))
        .contains(
            application.stream()
                .filter(s -> s.name().equals("acme sync"))
                .findFirst()
                .orElseThrow()
                .traceId());
    // Neither agent traced the other's exports.
    assertThat(all)
        .noneSatisfy(
            s ->
                assertThat(
                        String.valueOf(s.attribute("url.full"))
                            + s.attribute("url.path")
                            + s.name())
                    .contains("/v1/traces"));
    assertThat(all).filteredOn(s -> s.scope().equals(WARDEN_SCOPE)).hasSize(2);
    assertThat(run.wardenLog())
        .noneSatisfy(line -> assertThat(line).containsAnyOf("error:", "internal error"));
  }

  @Test
  void wardensSpansAreNeverSampledAway() throws Exception {
    AppRun run = run("jdk", null, true, Map.of("OTEL_TRACES_SAMPLER", "always_off"));

    assertThat(run.steps())
        .extracting(s -> s.path("status").asInt())
        .containsExactly(200, 403, 200);
    List<ReceivedSpan> audit = harness.spans(s -> s.scope().equals(WARDEN_SCOPE), 2);
    assertThat(audit).hasSize(2);
    Thread.sleep(1000);
    // The application's trace was sampled away by its own agent; the audit was not, and still names
    // its trace.
    assertThat(harness.otlp.spans()).allSatisfy(s -> assertThat(s.scope()).isEqualTo(WARDEN_SCOPE));
    String traceparent = harness.jira.journal().all().get(0).header("traceparent");
    assertThat(traceparent).endsWith("-00");
    assertThat(audit)
        .filteredOn(s -> s.name().startsWith("GET"))
        .singleElement()
        .satisfies(s -> assertThat(traceparent).contains(s.traceId()));
  }

  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static String scrape(int port) throws Exception {
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /**
   * Both agents scrape-able at once: the application's (the OpenTelemetry agent's) Prometheus
   * endpoint and Warden's, each on its own port, each with its own metrics, and the OpenTelemetry
   * agent never traces Warden's scrape nor its exports.
   */
  @Test
  void wardensPrometheusEndpointWorksBesideTheOpenTelemetryAgentsOwn() throws Exception {
    int agentPort = freePort();
    int wardenPort = freePort();
    Path called = harness.dir.resolve("both-called");
    Path release = harness.dir.resolve("both-release");
    AppLauncher.Running app =
        harness
            .app(policy, "jdk")
            .javaOption("-javaagent:" + AppLauncher.libraryJar("otel-javaagent-2.22"))
            .env("OTEL_METRICS_EXPORTER", "prometheus")
            .env("OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(agentPort))
            .env("OTEL_LOGS_EXPORTER", "none")
            .env("WARDEN_OTEL_METRICS_EXPORTER", "prometheus")
            .env("WARDEN_OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(wardenPort))
            .args(
                harness
                    .steps(
                        List.of(
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                            new java.util.HashMap<String, Object>(
                                Map.of("touchFile", called.toString())),
                            new java.util.HashMap<String, Object>(
                                Map.of("awaitFile", release.toString()))))
                    .toString())
            .start();
    String agents;
    String wardens;
    try {
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (!java.nio.file.Files.exists(called) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(called).exists();
      harness.spans(s -> s.scope().equals(WARDEN_SCOPE), 1);
      wardens = scrape(wardenPort);
      agents = scrape(agentPort);
    } finally {
      java.nio.file.Files.createFile(release);
    }
    AppRun run = app.await();
    assertThat(run.exitCode()).as(run.toString()).isZero();

    assertThat(wardens)
        .containsPattern("warden_requests_total\\{[^}]*warden_decision=\"allow\"[^}]*\\} 1")
        .doesNotContain("jvm_memory");
    assertThat(agents).contains("jvm_").doesNotContain("warden_requests");
    Thread.sleep(1500);
    assertThat(harness.otlp.spans())
        .as("the OpenTelemetry agent traced neither Warden's scrape nor its exports")
        .noneSatisfy(
            s ->
                assertThat(s.name() + " " + s.attributes())
                    .containsAnyOf("/metrics", "/v1/traces", "/v1/metrics"));
  }
}
