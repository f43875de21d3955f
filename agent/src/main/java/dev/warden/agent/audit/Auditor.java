package dev.warden.agent.audit;

import dev.warden.agent.log.Log;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

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

  private final Supplier<OtelSpans> spans;
  private final AuditFile file;
  private final Queue<AuditRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();

  /** Set while the audit thread sleeps until woken: the queue was empty. */
  private volatile boolean sleeping;

  private final Thread worker;
  private volatile boolean closing;
  private volatile OtelSpans started;

  /**
   * @param spans builds the SDK; run on the audit thread at the first record
   * @param file the audit file, or {@code null}
   */
  public Auditor(Supplier<OtelSpans> spans, AuditFile file) {
    this.spans = spans;
    this.file = file;
    worker = new Thread(this::drain, "warden-audit");
    worker.setDaemon(true);
    worker.start();
  }

  private OtelSpans start() {
    try {
      return spans.get();
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
   * Queues the record; the audit thread turns it into a span and a file line, so the request path
   * never waits for either.
   */
  @Override
  public void record(AuditRecord record) {
    if (queued.incrementAndGet() <= QUEUE) {
      queue.offer(record);
      if (sleeping) {
        sleeping = false;
        LockSupport.unpark(worker);
      }
    } else {
      queued.decrementAndGet();
      long count = dropped.incrementAndGet();
      Log.get()
          .warn(
              "audit records are made faster than they can be exported; dropped "
                  + count
                  + " so far");
    }
  }

  private void drain() {
    OtelSpans otel = null;
    boolean first = true;
    while (true) {
      boolean any = false;
      AuditRecord record;
      while ((record = queue.poll()) != null) {
        queued.decrementAndGet();
        any = true;
        if (first) {
          otel = start();
          started = otel;
          first = false;
        }
        emit(otel, record);
      }
      if (closing) {
        if (queue.isEmpty()) {
          return;
        }
        continue;
      }
      if (any) {
        // Records are flowing: take the next ones as a batch.
        LockSupport.parkNanos(this, LINGER_NANOS);
      } else {
        sleeping = true;
        if (queue.isEmpty() && !closing) {
          LockSupport.park(this);
        }
        sleeping = false;
      }
      if (Thread.interrupted()) {
        return;
      }
    }
  }

  private void emit(OtelSpans otel, AuditRecord record) {
    String[] ids = null;
    try {
      if (otel != null) {
        ids = otel.emit(record);
      }
    } catch (RuntimeException e) {
      Log.get().warn("cannot record an audit span: " + e);
    }
    if (file != null) {
      file.write(record, ids);
    }
  }

  /**
   * Emits what is queued, then flushes the SDK and the file, at JVM shutdown. Waits a few seconds
   * at most, so a tracing backend that is down delays the exit by no more than that.
   */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(worker);
    try {
      worker.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    OtelSpans otel = started;
    if (otel != null) {
      otel.close(3);
    }
    if (file != null) {
      file.close(2);
    }
  }
}
