package dev.warden.agent.audit;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What turning one allowed call's audit record into a span costs on the audit thread, up to the
 * exporter (which here keeps nothing): the span's exported form, its attributes and its batch; and
 * what recording its metrics costs there.
 *
 * <p>Run: {@code mvn -B -q -pl agent exec:exec -Pbench -Dbench.args='-prof gc AuditSpanBenchmark'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuditSpanBenchmark {

  OtelSpans spans;
  AuditRecord allowed;
  dev.warden.agent.metrics.WardenMetrics metrics;

  @Setup
  public void setUp() {
    metrics =
        new dev.warden.agent.metrics.WardenMetrics(
            new AuditLosses(), new dev.warden.agent.throttle.RemainingRequests());
    metrics.bind(
        io.opentelemetry.sdk.metrics.SdkMeterProvider.builder()
            .registerMetricReader(
                io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader.create())
            .build()
            .get("dev.warden"));
    spans =
        new OtelSpans(
            AuditorTest.exporting(batch -> CompletableResultCode.ofSuccess()),
            Resource.getDefault(),
            SpanBatches.Settings.DEFAULT,
            "bench",
            () -> {},
            null,
            new AuditLosses());
    allowed =
        AuditRecord.builder("GET", 1_700_000_000_000_000_000L)
            .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .route("/rest/api/3/issue/{issueIdOrKey}")
            .put(AuditAttributes.URL_FULL, "https://acme.atlassian.net/rest/api/3/issue/OPS-12")
            .put(AuditAttributes.SERVER_ADDRESS, "acme.atlassian.net")
            .put(AuditAttributes.SERVER_PORT, 443L)
            .put(AuditAttributes.HTTP_RESPONSE_STATUS_CODE, 200L)
            .put(AuditAttributes.JIRA_SITE, "acme")
            .put(AuditAttributes.JIRA_OPERATION, "getIssue")
            .put(AuditAttributes.JIRA_SCOPE, List.of("read:jira-work"))
            .put(AuditAttributes.JIRA_PROJECT_KEY, "OPS")
            .put(AuditAttributes.JIRA_ISSUE_KEY, "OPS-12")
            .put(AuditAttributes.WARDEN_DECISION, Decisions.ALLOW)
            .put(AuditAttributes.WARDEN_RULE, "sync-reads")
            .put(AuditAttributes.WARDEN_CALLER, "com.acme.sync.IssueSync")
            .put(AuditAttributes.WARDEN_CREDENTIAL, "bot")
            .put(AuditAttributes.WARDEN_THROTTLE, "default")
            .put("code.function", "com.acme.sync.IssueSync.pull")
            .end(1_700_000_000_300_000_000L);
  }

  /**
   * One allowed call's metrics recorded from its record, on the audit thread: the request counter,
   * the duration and throttle-wait histograms, attribute sets reused.
   */
  @Benchmark
  public AuditRecord allowedCallMetrics() {
    metrics.record(allowed);
    return allowed;
  }

  /** One span made and queued; every 512th also sends the batch (to an exporter that drops it). */
  @Benchmark
  public Object allowedCallSpan() {
    long now = System.nanoTime();
    String[] ids = spans.emit(allowed, now);
    spans.service(now);
    return ids;
  }
}
