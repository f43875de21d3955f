package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.otlp.ReceivedPoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Warden's metrics (CONTRACT section 6) as a user reads them: pushed over OTLP to the same receiver
 * as the spans, or scraped from a Prometheus endpoint of Warden's own.
 */
class MetricsIT {

  static final String POLICY =
      """
      version: 1
      unmanaged-egress: audit
      caller-skip: [com.acme.http.**]
      sites:
        - {id: jira, url: '{jira}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      throttles:
        one-a-minute: {capacity: 1, refill: 1/1m, max-wait: 0s}
      retry:
        max-elapsed: 10s
      rules:
        - {id: no-deletes, effect: deny, operations: deleteIssue}
        - {id: reports-throttled, effect: allow, callers: com.acme.reports.*, operations: read:jira-work, throttle: one-a-minute}
        - {id: reads, effect: allow, operations: [read:jira-work, read:jira-user]}
      """;

  static final List<Double> BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

  @RegisterExtension static final Harness harness = new Harness();

  /** Allowed, denied, throttled, a Jira 429 retried, and two connections no hooked client made. */
  static List<Map<String, Object>> calls() {
    return List.of(
        call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
        call("triage", "DELETE", "{jira}/rest/api/2/issue/OPS-2"),
        call("reports", "GET", "{jira}/rest/api/2/issue/OPS-2"),
        call("reports", "GET", "{jira}/rest/api/2/issue/OPS-2"),
        call("sync", "GET", "{jira}/rest/api/2/issue/SUP-1"),
        Steps.with(
            Steps.with(call("sync", "GET", "{jira}/rest/api/2/myself"), "parallel", 2),
            "clients",
            List.of("socket")));
  }

  void jiraAnswers429Once() {
    harness.jira.failNext(
        "GET",
        "/rest/api/2/issue/SUP-1",
        429,
        Map.of("Retry-After", "1", "RateLimit-Reason", "jira-burst-based"),
        "{\"errorMessages\":[\"Rate limit exceeded.\"],\"errors\":{}}");
  }

  /** The newest point of a metric with these attributes. */
  static ReceivedPoint newest(List<ReceivedPoint> points, String name, Map<String, Object> match) {
    List<ReceivedPoint> found =
        points.stream()
            .filter(p -> p.name().equals(name))
            .filter(
                p ->
                    match.entrySet().stream()
                        .allMatch(e -> e.getValue().equals(p.attribute(e.getKey()))))
            .toList();
    assertThat(found).as("points of %s with %s in %s", name, match, points).isNotEmpty();
    return found.get(found.size() - 1);
  }

  @Test
  void otlpMetricsCountEveryKindOfCallWithBoundedAttributes() throws Exception {
    jiraAnswers429Once();
    AppRun run =
        harness
            .app(harness.policy(POLICY), "jdk")
            .env("OTEL_METRIC_EXPORT_INTERVAL", "500")
            .args(harness.steps(calls()).toString())
            .run();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    harness.spans(s -> true, 7);

    // The last export happens as the JVM exits.
    // Warden's instruments (the SDK's exporter also reports its own health, under its own scope).
    List<ReceivedPoint> points =
        harness.otlp.points().stream().filter(p -> p.scope().equals("dev.warden")).toList();
    assertThat(points).isNotEmpty();

    ReceivedPoint allowed =
        newest(
            points,
            "warden.requests",
            Map.of(
                "jira.site", "jira",
                "jira.operation", "getIssue",
                "warden.decision", "allow",
                "http.response.status_code", 200L));
    assertThat(allowed.unit()).isEqualTo("{request}");
    assertThat(allowed.type()).isEqualTo("SUM");
    assertThat(allowed.value()).isEqualTo(3);
    assertThat(allowed.attributes()).doesNotContainKey("warden.rule");
    assertThat(
            newest(
                    points,
                    "warden.requests",
                    Map.of("warden.decision", "deny", "warden.rule", "no-deletes"))
                .value())
        .isEqualTo(1);
    assertThat(
            newest(
                    points,
                    "warden.requests",
                    Map.of(
                        "warden.decision",
                        "throttled",
                        "warden.rule",
                        "reports-throttled",
                        "http.response.status_code",
                        429L))
                .value())
        .isEqualTo(1);
    ReceivedPoint duration =
        newest(points, "warden.request.duration", Map.of("warden.decision", "allow"));
    assertThat(duration.unit()).isEqualTo("s");
    assertThat(duration.bounds()).isEqualTo(BUCKETS);
    assertThat(duration.value()).isEqualTo(3);
    assertThat(duration.sum()).as("the retried call waited a second").isGreaterThan(1.0);
    assertThat(duration.attributes())
        .containsOnlyKeys("jira.site", "jira.operation", "warden.decision");

    ReceivedPoint waited =
        newest(points, "warden.throttle.wait", Map.of("warden.throttle", "one-a-minute"));
    assertThat(waited.unit()).isEqualTo("s");
    assertThat(waited.value()).isEqualTo(2);
    assertThat(waited.bounds()).isEqualTo(BUCKETS);

    ReceivedPoint limited =
        newest(
            points,
            "warden.jira.rate_limited",
            Map.of("jira.rate_limit.reason", "jira-burst-based"));
    assertThat(limited.unit()).isEqualTo("{response}");
    assertThat(limited.value()).isEqualTo(1);
    assertThat(newest(points, "warden.retries", Map.of("jira.operation", "getIssue")).value())
        .isEqualTo(1);
    ReceivedPoint left =
        newest(points, "warden.jira.rate_limit.remaining", Map.of("jira.site", "jira"));
    assertThat(left.type()).isEqualTo("GAUGE");
    assertThat(left.value()).isGreaterThanOrEqualTo(0);

    ReceivedPoint unmanaged = newest(points, "warden.unmanaged.connections", Map.of());
    assertThat(unmanaged.unit()).isEqualTo("{connection}");
    assertThat(unmanaged.value()).isEqualTo(2);
    assertThat(unmanaged.attributes())
        .containsOnlyKeys("server.address", "server.port", "warden.decision");
    assertThat(newest(points, "warden.audit.dropped", Map.of("error.type", "queue_full")).value())
        .isZero();

    // Bounded: no issue key, project, URL or caller in any attribute.
    assertThat(points)
        .allSatisfy(
            p ->
                assertThat(p.attributes().values().toString())
                    .doesNotContain("OPS-")
                    .doesNotContain("SUP-")
                    .doesNotContain("com.acme")
                    .doesNotContain("http"));
    assertThat(harness.spans(s -> s.name().startsWith("GET /rest/api/2/issue"), 5))
        .anySatisfy(
            s -> assertThat(s.attribute("jira.rate_limit.reason")).isEqualTo("jira-burst-based"));
  }

  @Test
  void prometheusEndpointServesTheSameInstrumentsOnLocalhost() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path called = harness.dir.resolve("prom-called");
    Path release = harness.dir.resolve("prom-release");
    jiraAnswers429Once();
    List<Map<String, Object>> steps = new java.util.ArrayList<>(calls());
    steps.add(Map.of("touchFile", called.toString()));
    steps.add(Map.of("awaitFile", release.toString()));
    AppLauncher.Running app =
        harness
            .app(harness.policy(POLICY), "jdk")
            .env("WARDEN_OTEL_METRICS_EXPORTER", "prometheus")
            .env("WARDEN_OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(port))
            .args(harness.steps(steps).toString())
            .start();
    String scraped;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.exists(called) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(called).exists();
      // Past the audit thread's batch: every call is recorded.
      harness.spans(s -> true, 7);
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      scraped = response.body();
    } finally {
      Files.createFile(release);
    }
    AppRun run = app.await();
    assertThat(run.exitCode()).as(run.toString()).isZero();

    assertThat(scraped)
        .contains("# TYPE warden_requests_total counter")
        .containsPattern(
            "warden_requests_total\\{[^}]*jira_operation=\"getIssue\"[^}]*warden_decision=\"allow\"[^}]*\\} 3")
        .containsPattern("warden_requests_total\\{[^}]*warden_rule=\"no-deletes\"[^}]*\\} 1")
        .contains("# TYPE warden_request_duration_seconds histogram")
        .containsPattern("warden_request_duration_seconds_bucket\\{[^}]*le=\"0.005\"")
        .containsPattern("warden_request_duration_seconds_bucket\\{[^}]*le=\"60.0\"")
        .containsPattern(
            "warden_jira_rate_limited_total\\{[^}]*jira_rate_limit_reason=\"jira-burst-based\"[^}]*\\} 1")
        .containsPattern("warden_unmanaged_connections_total\\{[^}]*\\} 2")
        .contains("warden_jira_rate_limit_remaining")
        .containsPattern("warden_audit_dropped_total\\{[^}]*error_type=\"queue_full\"[^}]*\\} 0");
    assertThat(harness.otlp.points()).as("nothing pushed over OTLP").isEmpty();
    assertThat(run.wardenLog())
        .anySatisfy(line -> assertThat(line).contains("http://localhost:" + port + "/metrics"));
  }

  @Test
  void theApplicationsPrometheusSettingTurnsWardensMetricsOffAndABusyPortIsNeverFatal()
      throws Exception {
    AppRun plain =
        harness
            .app(harness.policy(POLICY), "jdk")
            .env("OTEL_METRICS_EXPORTER", "prometheus")
            .args(
                harness
                    .steps(List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
                    .toString())
            .run();
    assertThat(plain.exitCode()).isZero();
    assertThat(plain.wardenLog())
        .anySatisfy(line -> assertThat(line).contains("Warden's metrics are off"));
    assertThat(harness.spans(s -> true, 1)).hasSize(1);
    assertThat(harness.otlp.points()).isEmpty();

    harness.clear();
    try (java.net.ServerSocket busy =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("localhost"))) {
      AppRun clash =
          harness
              .app(harness.policy(POLICY), "jdk")
              .env("WARDEN_OTEL_METRICS_EXPORTER", "prometheus")
              .env("WARDEN_OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(busy.getLocalPort()))
              .args(
                  harness
                      .steps(List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
                      .toString())
              .run();
      assertThat(clash.exitCode()).isZero();
      assertThat(clash.step(1).path("status").asInt()).isEqualTo(200);
      assertThat(clash.wardenLog())
          .filteredOn(line -> line.contains("cannot open Warden's Prometheus endpoint"))
          .hasSize(1);
      assertThat(harness.spans(s -> true, 1)).as("spans still go").hasSize(1);
    }
  }
}
