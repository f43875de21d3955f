package dev.warden.agent.audit;

import dev.warden.agent.log.Log;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Sends each audit record to Warden's OpenTelemetry SDK and, when {@code audit.file} is set, to the
 * audit file with the span's ids, from a thread of its own: the request path only queues the record
 * (a bounded queue: past it, records are dropped and counted, never waited for). The SDK starts on
 * that thread when the first record arrives, so an application that never calls Jira never pays for
 * it, and none pays for it while starting; records made meanwhile wait in the queue. If it cannot
 * start, the audit file still gets every record.
 *
 * <p>The request path never wakes the audit thread while records flow: the thread takes what is
 * queued every {@link #LINGER_NANOS} (a batch, one wake-up for hundreds of calls), and sleeps until
 * woken only once the queue stayed empty. A wake-up per record costs each call a context switch on
 * both threads, which is most of what auditing cost on a busy two-CPU machine.
 */
public final class Auditor implements AuditSink {

  private static final int QUEUE = 16_384;

  /**
   * How long records may wait for the audit thread while they flow. Measured with the overhead
   * harness on two CPUs: 20 ms made bursts that doubled the callers' p99; 1 ms keeps the batches
   * (dozens of records a wake-up at thousands of calls a second) and the tail.
   */
  static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** How long the audit thread waits at shutdown for the tracing backend to take the last spans. */
  private static final long FLUSH_NANOS = TimeUnit.SECONDS.toNanos(3);

  private final Function<Runnable, OtelSpans> spans;
  private final AuditFile file;
  private final Queue<AuditRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AuditLosses losses;
  private final java.util.function.Consumer<AuditRecord> metrics;

  /** Set while the audit thread sleeps until woken: the queue was empty. */
  private volatile boolean sleeping;

  private final Thread worker;
  private volatile boolean closing;

  /** Whether the audit thread has finished at shutdown: nothing takes records any more. */
  private volatile boolean closed;

  private volatile OtelSpans started;
  private volatile long closingDeadline;

  /**
   * @param spans builds the SDK, given what wakes the audit thread; run on the audit thread at the
   *     first record
   * @param file the audit file, or {@code null}
   * @param losses counts the records lost
   */
  public Auditor(Function<Runnable, OtelSpans> spans, AuditFile file, AuditLosses losses) {
    this(spans, file, losses, record -> {});
  }

  /**
   * @param metrics records each call's metrics from its record, on the audit thread
   */
  public Auditor(
      Function<Runnable, OtelSpans> spans,
      AuditFile file,
      AuditLosses losses,
      java.util.function.Consumer<AuditRecord> metrics) {
    this.spans = spans;
    this.file = file;
    this.losses = losses;
    this.metrics = metrics;
    worker = new Thread(this::drain, "warden-audit");
    worker.setDaemon(true);
    worker.start();
  }

  private OtelSpans start() {
    try {
      Thread self = Thread.currentThread();
      return spans.apply(() -> LockSupport.unpark(self));
    } catch (RuntimeException | LinkageError e) {
      Log.get()
          .error(
              "cannot start Warden's OpenTelemetry exporter ("
                  + e
                  + "); audit records go "
                  + (file == null
                      ? "nowhere: set audit.file to keep them"
                      : "to the audit file only"));
      return null;
    }
  }

  /**
   * Jira calls begun whose records have not all come yet, counted by generation: {@link
   * #awaitCalls} waits for those begun before the exit, not for the ones a busy application keeps
   * starting meanwhile.
   */
  private volatile java.util.concurrent.atomic.AtomicInteger open =
      new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public Object opened() {
    java.util.concurrent.atomic.AtomicInteger generation = open;
    generation.incrementAndGet();
    return generation;
  }

  @Override
  public void ended(Object token) {
    if (token instanceof java.util.concurrent.atomic.AtomicInteger generation) {
      generation.decrementAndGet();
    }
  }

  /**
   * At shutdown, before {@link #close}: waits until the Jira calls in flight when it was called
   * have ended (their application gets its answer, their records come), or {@code deadlineNanos};
   * returns how many had not.
   */
  public int awaitCalls(long deadlineNanos) {
    java.util.concurrent.atomic.AtomicInteger inFlight = open;
    open = new java.util.concurrent.atomic.AtomicInteger();
    while (inFlight.get() > 0 && System.nanoTime() < deadlineNanos) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
    }
    return Math.max(0, inFlight.get());
  }

  /**
   * Queues the record; the audit thread turns it into a span and a file line, so the request path
   * never waits for either.
   */
  @Override
  public void record(AuditRecord record) {
    if (closed) {
      // The audit thread has finished: a call that ended after the shutdown's wait is counted.
      losses.lost(AuditLosses.Reason.QUEUE_FULL, 1);
      return;
    }
    if (queued.incrementAndGet() <= QUEUE) {
      queue.offer(record);
      if (closed && queue.remove(record)) {
        // The audit thread finished between the check above and the offer: counted, not left.
        queued.decrementAndGet();
        losses.lost(AuditLosses.Reason.QUEUE_FULL, 1);
        return;
      }
      if (sleeping) {
        sleeping = false;
        LockSupport.unpark(worker);
      }
    } else {
      queued.decrementAndGet();
      losses.lost(AuditLosses.Reason.QUEUE_FULL, 1);
      // One text, so the log writes it once a minute with a count, not once per record.
      Log.get()
          .warn(
              "audit records dropped: made faster than the audit thread can export them"
                  + " (a queue of "
                  + QUEUE
                  + ")");
    }
  }

  private void drain() {
    try {
      loop();
    } finally {
      // However the thread ends (closing, interrupted, an error), what waits is offered once more.
      if (!closing) {
        closingDeadline = System.nanoTime() + FLUSH_NANOS;
      }
      flush(started);
    }
  }

  private void loop() {
    OtelSpans otel = null;
    boolean first = true;
    while (true) {
      boolean any = false;
      AuditRecord record;
      long now = System.nanoTime();
      while ((record = queue.poll()) != null) {
        queued.decrementAndGet();
        any = true;
        if (first) {
          otel = start();
          started = otel;
          first = false;
        }
        otel = emit(otel, record, now);
        // A full batch leaves now, not after the whole queue: past max.queue.size spans drop.
        otel = service(otel, now);
      }
      otel = service(otel, System.nanoTime());
      long due = otel == null ? Long.MAX_VALUE : lastDue;
      if (closing) {
        if (queue.isEmpty()) {
          return;
        }
        continue;
      }
      if (any) {
        // Records are flowing: take the next ones as a batch.
        LockSupport.parkNanos(this, Math.min(LINGER_NANOS, due));
      } else {
        // Until a record comes, or spans are due for export (their batch's time, or the export in
        // flight completing).
        sleeping = true;
        if (queue.isEmpty() && !closing) {
          if (due == Long.MAX_VALUE) {
            LockSupport.park(this);
          } else {
            LockSupport.parkNanos(this, due);
          }
        }
        sleeping = false;
      }
      if (Thread.interrupted()) {
        return;
      }
    }
  }

  /** What the last {@link #service} said: nanoseconds until spans are due. Audit thread only. */
  private long lastDue = Long.MAX_VALUE;

  /**
   * Sends spans that are due; returns the SDK, or {@code null} once it failed with an error: spans
   * are off from then on, and the audit file still gets every record.
   */
  private OtelSpans service(OtelSpans otel, long now) {
    lastDue = Long.MAX_VALUE;
    if (otel == null) {
      return null;
    }
    try {
      lastDue = otel.service(now);
      return otel;
    } catch (RuntimeException e) {
      Log.get().warn("cannot export audit spans (" + e.getClass().getName() + ")");
      return otel;
    } catch (LinkageError e) {
      return spansOff(e);
    }
  }

  private OtelSpans spansOff(Throwable e) {
    Log.get()
        .error(
            "Warden's OpenTelemetry exporter failed ("
                + e.getClass().getName()
                + "); audit spans are off until restart"
                + (file == null ? "" : ", the audit file still gets every record"));
    started = null;
    return null;
  }

  private void flush(OtelSpans otel) {
    if (otel == null) {
      return;
    }
    try {
      if (!otel.flush(closingDeadline)) {
        Log.get()
            .warn(
                "the tracing backend did not take the last audit spans before the JVM exited"
                    + (file == null ? "" : "; the audit file has them"));
      }
    } catch (RuntimeException | LinkageError e) {
      Log.get().warn("cannot export audit spans (" + e.getClass().getName() + ")");
    }
  }

  /** Makes the record's span and its file line; returns the SDK, or {@code null} if it failed. */
  private OtelSpans emit(OtelSpans otel, AuditRecord record, long now) {
    String[] ids = null;
    try {
      metrics.accept(record);
    } catch (RuntimeException | LinkageError e) {
      Log.get().warn("cannot record Warden's metrics (" + e.getClass().getName() + ")");
    }
    try {
      if (otel != null) {
        ids = otel.emit(record, now);
      }
    } catch (RuntimeException e) {
      Log.get().warn("cannot record an audit span (" + e.getClass().getName() + ")");
    } catch (LinkageError e) {
      otel = spansOff(e);
    }
    if (file != null) {
      file.write(record, ids);
    }
    return otel;
  }

  /**
   * Emits what is queued, then flushes the spans and the file, at JVM shutdown. Waits a few seconds
   * at most, so a tracing backend that is down delays the exit by no more than that.
   */
  @Override
  public void close() {
    long start = System.nanoTime();
    closingDeadline = start + FLUSH_NANOS;
    closing = true;
    LockSupport.unpark(worker);
    try {
      worker.join(TimeUnit.NANOSECONDS.toMillis(FLUSH_NANOS) + 2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = !worker.isAlive();
    if (closed) {
      // What came between the audit thread's last look and the flag: counted, not left.
      int left = 0;
      while (queue.poll() != null) {
        queued.decrementAndGet();
        left++;
      }
      if (left > 0) {
        losses.lost(AuditLosses.Reason.QUEUE_FULL, left);
      }
    }
    OtelSpans otel = started;
    if (otel != null) {
      otel.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
    }
    if (file != null) {
      file.close(2);
    }
  }
}
