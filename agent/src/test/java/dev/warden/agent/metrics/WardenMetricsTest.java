package dev.warden.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditLosses;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.throttle.RemainingRequests;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WardenMetricsTest {

  static final long START = 1_700_000_000_000_000_000L;

  final InMemoryMetricReader reader = InMemoryMetricReader.create();
  final AuditLosses losses = new AuditLosses();
  final RemainingRequests remaining = new RemainingRequests();
  final dev.warden.agent.credential.RefreshCounts refreshes =
      new dev.warden.agent.credential.RefreshCounts();
  final Map<String, Boolean> stores = new java.util.LinkedHashMap<>();
  final WardenMetrics metrics =
      new WardenMetrics(losses, remaining, refreshes, each -> stores.forEach(each));

  @BeforeEach
  void bind() {
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    metrics.bind(provider.get("dev.warden"));
  }

  static AuditRecord.Builder call(String decision, String operation, long status) {
    return AuditRecord.builder("GET", START)
        .route("/rest/api/2/issue/{issueIdOrKey}")
        .put(AuditAttributes.JIRA_SITE, "jira")
        .put(AuditAttributes.JIRA_OPERATION, operation)
        .put(AuditAttributes.WARDEN_DECISION, decision)
        .put(AuditAttributes.WARDEN_RULE, "some-rule")
        .put(AuditAttributes.WARDEN_CALLER, "com.acme.Sync.run")
        .put(AuditAttributes.JIRA_ISSUE_KEY, "OPS-1")
        .put(AuditAttributes.HTTP_RESPONSE_STATUS_CODE, status);
  }

  MetricData metric(Collection<MetricData> all, String name) {
    return all.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + all));
  }

  static Map<String, Object> attributes(Attributes attributes) {
    Map<String, Object> out = new java.util.TreeMap<>();
    attributes.forEach((key, value) -> out.put(key.getKey(), value));
    return out;
  }

  @Test
  void eachCallCountsByDecisionWithItsRuleOnlyWhenNotAllowedAndItsDurationInContractBuckets() {
    metrics.record(call("allow", "getIssue", 200).end(START + 30_000_000));
    metrics.record(call("allow", "getIssue", 200).end(START + 2_000_000));
    metrics.record(call("deny", "deleteIssue", 403).end(START + 1_000_000));

    Collection<MetricData> all = reader.collectAllMetrics();
    MetricData requests = metric(all, "warden.requests");
    assertThat(requests.getUnit()).isEqualTo("{request}");
    assertThat(requests.getLongSumData().getPoints())
        .extracting(p -> attributes(p.getAttributes()) + "=" + p.getValue())
        .containsExactlyInAnyOrder(
            "{http.response.status_code=200, jira.operation=getIssue, jira.site=jira,"
                + " warden.decision=allow}=2",
            "{http.response.status_code=403, jira.operation=deleteIssue, jira.site=jira,"
                + " warden.decision=deny, warden.rule=some-rule}=1");

    MetricData duration = metric(all, "warden.request.duration");
    assertThat(duration.getUnit()).isEqualTo("s");
    HistogramPointData allowed =
        duration.getHistogramData().getPoints().stream()
            .filter(p -> "allow".equals(attributes(p.getAttributes()).get("warden.decision")))
            .findFirst()
            .orElseThrow();
    assertThat(allowed.getBoundaries()).isEqualTo(WardenMetrics.DURATION_BUCKETS);
    assertThat(allowed.getCount()).isEqualTo(2);
    assertThat(allowed.getSum()).isCloseTo(0.032, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(attributes(allowed.getAttributes()))
        .containsOnlyKeys("jira.site", "jira.operation", "warden.decision");
  }

  @Test
  void throttleWaitsRetriesAndJirasRateLimitsAreCountedByReason() {
    metrics.record(
        call("allow", "getIssue", 200)
            .put(AuditAttributes.WARDEN_THROTTLE, "reads")
            .put(AuditAttributes.WARDEN_THROTTLE_WAIT_MS, 250L)
            .end(START + 300_000_000));
    metrics.record(
        call("allow", "createIssue", 201)
            .event(
                new AuditRecord.Event(
                    "warden.retry",
                    START + 1,
                    Map.of(
                        AuditAttributes.HTTP_RESPONSE_STATUS_CODE,
                        429L,
                        AuditAttributes.JIRA_RATE_LIMIT_REASON,
                        "jira-burst-based")))
            .event(
                new AuditRecord.Event(
                    "warden.retry",
                    START + 2,
                    Map.of(
                        AuditAttributes.HTTP_RESPONSE_STATUS_CODE,
                        429L,
                        AuditAttributes.JIRA_RATE_LIMIT_REASON,
                        "something-new")))
            .put(AuditAttributes.HTTP_REQUEST_RESEND_COUNT, 2L)
            .put(AuditAttributes.JIRA_RATE_LIMIT_REASON, "something-new")
            .end(START + 5));
    metrics.record(
        call("allow", "getIssue", 429)
            .put(AuditAttributes.JIRA_RATE_LIMIT_REASON, "jira-quota-tenant-based")
            .end(START + 5));
    // Warden's own 429 is not Jira's.
    metrics.record(
        call("throttled", "getIssue", 429)
            .put(AuditAttributes.WARDEN_THROTTLE, "reads")
            .end(START + 5));

    Collection<MetricData> all = reader.collectAllMetrics();
    assertThat(metric(all, "warden.throttle.wait").getHistogramData().getPoints())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(attributes(p.getAttributes()))
                  .isEqualTo(Map.of("jira.site", "jira", "warden.throttle", "reads"));
              assertThat(p.getCount()).isEqualTo(2);
              assertThat(p.getSum()).isEqualTo(0.25);
            });
    assertThat(metric(all, "warden.retries").getLongSumData().getPoints())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(attributes(p.getAttributes()))
                  .isEqualTo(Map.of("jira.site", "jira", "jira.operation", "createIssue"));
              assertThat(p.getValue()).isEqualTo(2);
            });
    MetricData limited = metric(all, "warden.jira.rate_limited");
    assertThat(limited.getUnit()).isEqualTo("{response}");
    assertThat(limited.getLongSumData().getPoints())
        .extracting(p -> p.getAttributes().get(WardenMetrics.REASON) + "=" + p.getValue())
        .containsExactlyInAnyOrder("jira-burst-based=1", "other=1", "jira-quota-tenant-based=1");
  }

  @Test
  void unmanagedConnectionsLossesAndWhatJiraSaidIsLeftAreReported() {
    metrics.record(
        AuditRecord.connect("jira.example", 443, START)
            .put(AuditAttributes.WARDEN_DECISION, "unmanaged")
            .put(AuditAttributes.WARDEN_CALLER, "com.acme.Raw.call")
            .end(START));
    losses.lost(AuditLosses.Reason.QUEUE_FULL, 3);
    losses.lost(AuditLosses.Reason.FILE_ERROR, 1);
    remaining.record("jira", 420);
    remaining.record("jira", 419);

    Collection<MetricData> all = reader.collectAllMetrics();
    assertThat(metric(all, "warden.unmanaged.connections").getLongSumData().getPoints())
        .singleElement()
        .satisfies(
            p ->
                assertThat(attributes(p.getAttributes()))
                    .isEqualTo(
                        Map.of(
                            "server.address",
                            "jira.example",
                            "server.port",
                            443L,
                            "warden.decision",
                            "unmanaged")));
    assertThat(all)
        .as("a connection is not a request")
        .noneMatch(m -> m.getName().equals("warden.requests"));
    assertThat(metric(all, "warden.audit.dropped").getLongSumData().getPoints())
        .extracting(p -> p.getAttributes().get(WardenMetrics.ERROR_TYPE) + "=" + p.getValue())
        .containsExactlyInAnyOrder("queue_full=3", "export_failed=0", "file_error=1");
    MetricData left = metric(all, "warden.jira.rate_limit.remaining");
    assertThat(left.getUnit()).isEqualTo("{request}");
    assertThat(left.getLongGaugeData().getPoints())
        .extracting(LongPointData::getValue)
        .containsExactly(419L);
  }

  @Test
  void noValueComesFromAUrlKeyProjectOrCaller() {
    for (int i = 0; i < 50; i++) {
      metrics.record(
          call("allow", "getIssue", 200)
              .put(AuditAttributes.JIRA_ISSUE_KEY, "OPS-" + i)
              .put(AuditAttributes.WARDEN_CALLER, "com.acme.C" + i + ".m")
              .put(AuditAttributes.URL_FULL, "https://jira/rest/api/2/issue/OPS-" + i)
              .end(START + i));
    }
    for (MetricData data : reader.collectAllMetrics()) {
      List<Attributes> sets =
          switch (data.getType()) {
            case LONG_SUM ->
                data.getLongSumData().getPoints().stream().map(p -> p.getAttributes()).toList();
            case HISTOGRAM ->
                data.getHistogramData().getPoints().stream().map(p -> p.getAttributes()).toList();
            default -> List.of();
          };
      for (Attributes set : sets) {
        assertThat(attributes(set).values().toString())
            .doesNotContain("OPS-")
            .doesNotContain("acme");
      }
      if (data.getName().equals("warden.requests")) {
        assertThat(data.getLongSumData().getPoints()).hasSize(1);
      }
    }
  }

  @Test
  void credentialRenewalsAndSharedStoresAreReadWhenCollected() {
    refreshes.record("app", null);
    refreshes.record("app", null);
    refreshes.record("app", "invalid_grant");
    refreshes.record(
        "app", dev.warden.agent.credential.RefreshCounts.errorCode("<html>oops</html>", 502));
    stores.put("fleet", true);
    stores.put("other-fleet", false);

    Collection<MetricData> all = reader.collectAllMetrics();
    MetricData renewed = metric(all, "warden.credential.refreshes");
    assertThat(renewed.getUnit()).isEqualTo("{refresh}");
    assertThat(renewed.getLongSumData().getPoints())
        .extracting(p -> attributes(p.getAttributes()) + "=" + p.getValue())
        .containsExactlyInAnyOrder(
            "{warden.credential=app}=2",
            "{error.type=invalid_grant, warden.credential=app}=1",
            "{error.type=http_502, warden.credential=app}=1");
    MetricData shared = metric(all, "warden.store.shared");
    assertThat(shared.getUnit()).isEqualTo("1");
    assertThat(shared.getLongGaugeData().getPoints())
        .extracting(p -> attributes(p.getAttributes()) + "=" + p.getValue())
        .containsExactlyInAnyOrder("{warden.throttle=fleet}=1", "{warden.throttle=other-fleet}=0");
  }
}
