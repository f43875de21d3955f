package dev.warden.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The audit thread: every record reaches the SDK, in batches, and the thread sleeps when idle. */
class AuditorTest {

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  Auditor auditor;

  Auditor auditor() {
    auditor = auditorExportingTo(exporter);
    return auditor;
  }

  static Auditor auditorExportingTo(io.opentelemetry.sdk.trace.export.SpanExporter exporter) {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    return new Auditor(() -> new OtelSpans(sdk, "test"), null);
  }

  @AfterEach
  void close() {
    if (auditor != null) {
      auditor.close();
    }
  }

  static Thread auditThread() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("warden-audit") && t.isAlive())
        .findFirst()
        .orElseThrow();
  }

  static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (thread.getState() != state && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(thread.getState()).isEqualTo(state);
  }

  @Test
  void recordsFromManyThreadsAllBecomeSpans() throws Exception {
    Auditor auditor = auditor();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread caller =
          new Thread(
              () -> {
                for (int i = 0; i < 2_500; i++) {
                  auditor.record(AuditRecordingTest.record(null));
                }
              });
      callers.add(caller);
      caller.start();
    }
    for (Thread caller : callers) {
      caller.join();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (exporter.getFinishedSpanItems().size() < 10_000 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(exporter.getFinishedSpanItems()).hasSize(10_000);
  }

  @Test
  void anIdleAuditThreadSleepsUntilARecordComesAndIsWokenByIt() throws Exception {
    Auditor auditor = auditor();
    Thread thread = auditThread();
    awaitState(thread, Thread.State.WAITING);

    auditor.record(AuditRecordingTest.record(null));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (exporter.getFinishedSpanItems().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    // Nothing more comes: after one linger it sleeps without a timeout again.
    awaitState(thread, Thread.State.WAITING);
  }

  @Test
  void closeEmitsWhatIsQueued() {
    java.util.concurrent.atomic.AtomicInteger exported =
        new java.util.concurrent.atomic.AtomicInteger();
    io.opentelemetry.sdk.trace.export.SpanExporter counting =
        new io.opentelemetry.sdk.trace.export.SpanExporter() {
          @Override
          public io.opentelemetry.sdk.common.CompletableResultCode export(
              java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
            exported.addAndGet(spans.size());
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
          }

          @Override
          public io.opentelemetry.sdk.common.CompletableResultCode flush() {
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
          }

          @Override
          public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
          }
        };
    Auditor auditor = auditorExportingTo(counting);
    for (int i = 0; i < 500; i++) {
      auditor.record(AuditRecordingTest.record(null));
    }

    auditor.close();

    assertThat(exported).hasValue(500);
  }
}
