package dev.warden.agent.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.log.Level;
import dev.warden.agent.log.Log;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit thread: every record reaches the exporter, in batches, and the thread sleeps when idle.
 */
class AuditorTest {

  /** Batches leave quickly, so tests see them without waiting out the SDK's 5 s default. */
  static final SpanBatches.Settings QUICK =
      SpanBatches.Settings.of(512, 2048, Duration.ofMillis(10), Duration.ofSeconds(30));

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final AtomicReference<OtelSpans> spans = new AtomicReference<>();
  final AuditLosses losses = new AuditLosses();
  Auditor auditor;

  Auditor auditor() {
    auditor = auditorExportingTo(exporter, QUICK, null);
    return auditor;
  }

  Auditor auditorExportingTo(SpanExporter exporter, SpanBatches.Settings settings, AuditFile file) {
    return new Auditor(
        wake -> {
          OtelSpans made =
              new OtelSpans(exporter, Resource.getDefault(), settings, "test", wake, null, losses);
          spans.set(made);
          return made;
        },
        file,
        losses);
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
   * Records from many threads, batched by the {@code otel.bsp.*} settings to an exporter that
   * answers later, as the OTLP one does: every one is exported by the time the auditor is closed,
   * in batches no bigger than the setting, one export in flight at a time.
   */
  @Test
  void recordsFromManyThreadsAreAllExportedInBatches() throws Exception {
    List<String> exported = new CopyOnWriteArrayList<>();
    List<Integer> batches = new CopyOnWriteArrayList<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    SpanExporter later = keeping(exported);
    auditor =
        auditorExportingTo(
            exporting(
                spans -> {
                  batches.add(spans.size());
                  mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  CompletableResultCode result = later.export(spans);
                  result.whenComplete(inFlight::decrementAndGet);
                  return result;
                }),
            SpanBatches.Settings.of(100, 2048, Duration.ofMillis(50), Duration.ofSeconds(30)),
            null);
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
    assertThat(batches).allSatisfy(size -> assertThat(size).isBetween(1, 100));
    assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2_000);
    assertThat(mostInFlight).hasValue(1);
    assertThat(spans.get().droppedSpans()).isZero();
  }

  /** An exporter that exports as told and has nothing to flush or shut down. */
  static SpanExporter exporting(Function<Collection<SpanData>, CompletableResultCode> export) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return export.apply(spans);
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

  /** An exporter that keeps the names of what it exported, and keeps them after shutdown. */
  static SpanExporter keeping(List<String> exported) {
    return exporting(
        spans -> {
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
        });
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

  /** A lone span leaves after {@code otel.bsp.schedule.delay}, not at once and not never. */
  @Test
  void aLoneSpanLeavesAfterTheScheduleDelay() throws Exception {
    auditor =
        auditorExportingTo(
            exporter,
            SpanBatches.Settings.of(512, 2048, Duration.ofMillis(300), Duration.ofSeconds(30)),
            null);
    long start = System.nanoTime();
    auditor.record(AuditRecordingTest.record(null));
    long deadline = start + TimeUnit.SECONDS.toNanos(5);
    while (exporter.getFinishedSpanItems().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(System.nanoTime() - start)
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
  }

  /**
   * A tracing backend that never answers holds neither the application nor the audit file: the file
   * gets every record at once, {@code max.queue.size} spans wait behind the export in flight, and
   * the rest are dropped and counted.
   */
  @Test
  void aBackendThatNeverAnswersHoldsUpNeitherTheFileNorTheCallers(@TempDir Path dir)
      throws Exception {
    List<Integer> batches = new CopyOnWriteArrayList<>();
    SpanExporter silent =
        exporting(
            spans -> {
              batches.add(spans.size());
              return new CompletableResultCode(); // never completes
            });
    Path path = dir.resolve("audit.jsonl");
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    Log previous = Log.get();
    Log.set(new Log(new PrintStream(logged, true, UTF_8), Level.INFO, System::nanoTime));
    auditor =
        auditorExportingTo(
            silent,
            SpanBatches.Settings.of(10, 50, Duration.ofHours(1), Duration.ofHours(1)),
            AuditFile.open(path, AuditFile.Limits.DEFAULT, losses));
    for (int i = 0; i < 200; i++) {
      auditor.record(AuditRecordingTest.record(null));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((spans.get() == null || spans.get().droppedSpans() < 140)
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(batches).containsExactly(10);
    assertThat(spans.get().droppedSpans()).isEqualTo(140);
    assertThat(losses.count(AuditLosses.Reason.QUEUE_FULL)).isEqualTo(140);

    long closing = System.nanoTime();
    auditor.close();
    auditor = null;
    // The flush gives up at its deadline rather than waiting an hour.
    assertThat(System.nanoTime() - closing).isLessThan(TimeUnit.SECONDS.toNanos(8));
    Log.set(previous);
    assertThat(Files.readAllLines(path)).hasSize(200);
    // Once, not once per dropped span: the log holds the repeats back for a minute.
    assertThat(logged.toString(UTF_8).lines().filter(l -> l.contains("audit spans dropped")))
        .hasSize(1);
  }

  /**
   * An exporter that fails with an error (a class that cannot load, say) turns spans off, and only
   * spans: the audit thread lives on and the file gets every record, before and after.
   */
  @Test
  void anExporterErrorTurnsSpansOffButNotTheAuditFile(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    Log previous = Log.get();
    Log.set(new Log(new PrintStream(logged, true, UTF_8), Level.INFO, System::nanoTime));
    try {
      Path path = dir.resolve("audit.jsonl");
      auditor =
          auditorExportingTo(
              exporting(
                  spans -> {
                    throw new NoClassDefFoundError("io/opentelemetry/exporter/Missing");
                  }),
              SpanBatches.Settings.of(1, 2048, Duration.ofMillis(1), Duration.ofSeconds(30)),
              AuditFile.open(path, AuditFile.Limits.DEFAULT, losses));
      for (int i = 0; i < 50; i++) {
        auditor.record(AuditRecordingTest.record(null));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Files.readAllLines(path).size() < 50 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(auditThread().isAlive()).isTrue();
      for (int i = 0; i < 50; i++) {
        auditor.record(AuditRecordingTest.record(null));
      }
      auditor.close();
      auditor = null;
      assertThat(Files.readAllLines(path)).hasSize(100);
      assertThat(logged.toString(UTF_8).lines().filter(l -> l.contains("audit spans are off")))
          .singleElement()
          .asString()
          .contains("java.lang.NoClassDefFoundError")
          .contains("the audit file still gets every record");
    } finally {
      Log.set(previous);
    }
  }

  /** An export that never answers is given up after {@code export.timeout}; the next batch goes. */
  @Test
  void anExportThatNeverAnswersIsGivenUpAfterTheTimeout() throws Exception {
    AtomicInteger exports = new AtomicInteger();
    SpanExporter firstHangs =
        exporting(
            spans -> {
              return exports.getAndIncrement() == 0
                  ? new CompletableResultCode()
                  : exporter.export(spans);
            });
    auditor =
        auditorExportingTo(
            firstHangs,
            SpanBatches.Settings.of(512, 2048, Duration.ofMillis(1), Duration.ofMillis(200)),
            null);
    auditor.record(AuditRecordingTest.record(null));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (exports.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    auditor.record(AuditRecordingTest.record(null));
    while (exporter.getFinishedSpanItems().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(exports).hasValue(2);
  }

  @Test
  void closeEmitsWhatIsQueued() {
    AtomicInteger exported = new AtomicInteger();
    SpanExporter counting =
        exporting(
            spans -> {
              exported.addAndGet(spans.size());
              return CompletableResultCode.ofSuccess();
            });
    // The SDK's defaults: the schedule delay (5 s) has not passed when the JVM exits.
    Auditor auditor = auditorExportingTo(counting, SpanBatches.Settings.DEFAULT, null);
    for (int i = 0; i < 500; i++) {
      auditor.record(AuditRecordingTest.record(null));
    }

    auditor.close();

    assertThat(exported).hasValue(500);
  }

  @Test
  void theExitWaitsForTheCallsInFlightThenAndNotForThoseBegunSince() throws Exception {
    Auditor audit = auditor();
    Object before = audit.opened();
    java.util.concurrent.CompletableFuture<Integer> waited =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> audit.awaitCalls(System.nanoTime() + Duration.ofSeconds(10).toNanos()));
    Thread.sleep(100);
    // A busy application keeps calling while it exits: those calls are not waited for.
    Object since = audit.opened();
    assertThat(waited).as("still waiting for the call in flight at exit").isNotDone();
    audit.ended(before);
    assertThat(waited.get(5, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    audit.ended(since);
    // Bounded: a call that never ends is given up at the deadline, and said.
    audit.opened();
    assertThat(audit.awaitCalls(System.nanoTime() + Duration.ofMillis(50).toNanos())).isOne();
  }

  @Test
  void aRecordAfterTheAuditThreadEndedIsCountedNotLeft() {
    Auditor audit = auditor();
    audit.close();
    long before = losses.count(AuditLosses.Reason.QUEUE_FULL);
    audit.record(AuditRecordingTest.record(null));
    assertThat(losses.count(AuditLosses.Reason.QUEUE_FULL)).isEqualTo(before + 1);
  }
}
