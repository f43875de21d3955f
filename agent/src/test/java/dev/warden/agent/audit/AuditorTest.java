package dev.warden.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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

  static Auditor auditorExportingTo(SpanExporter exporter) {
    return auditorWith(SimpleSpanProcessor.create(exporter));
  }

  static Auditor auditorWith(SpanProcessor processor) {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(processor).build())
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

  /**
   * Records from many threads through the SDK's batch processor and an exporter that answers later,
   * as the OTLP one does: every one is exported by the time the auditor is closed.
   */
  @Test
  void recordsFromManyThreadsAreAllExportedThroughTheBatchProcessor() throws Exception {
    List<String> exported = new CopyOnWriteArrayList<>();
    auditor =
        auditorWith(
            BatchSpanProcessor.builder(keeping(exported))
                .setScheduleDelay(50, TimeUnit.MILLISECONDS)
                .build());
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread caller =
          new Thread(
              () -> {
                for (int i = 0; i < 500; i++) {
                  auditor.record(AuditRecordingTest.record(null));
                  if (i % 50 == 0) {
                    Thread.yield();
                  }
                }
              });
      callers.add(caller);
      caller.start();
    }
    for (Thread caller : callers) {
      caller.join();
    }
    auditor.close();
    auditor = null;
    assertThat(exported).hasSize(2_000);
  }

  /** An exporter that keeps the names of what it exported, and keeps them after shutdown. */
  static SpanExporter keeping(List<String> exported) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        // Answered later, from another thread, as the OTLP exporter's HTTP response is.
        List<String> names = spans.stream().map(SpanData::getName).toList();
        CompletableResultCode result = new CompletableResultCode();
        CompletableFuture.runAsync(
            () -> {
              exported.addAll(names);
              result.succeed();
            },
            CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        return result;
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
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
    SpanExporter counting =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
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
