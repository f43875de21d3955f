package dev.warden.agent.audit;

import dev.warden.agent.log.Log;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Batches finished audit spans for the exporter on the audit thread, as the SDK's batch span
 * processor would on a thread of its own, with the same settings ({@code otel.bsp.*}): a batch
 * leaves when it holds {@code max.export.batch.size} spans or its oldest span has waited {@code
 * schedule.delay}; one export is in flight at a time, given up after {@code export.timeout}; while
 * it is, at most {@code max.queue.size} spans wait, and those past it are dropped and counted.
 *
 * <p>Used by one thread only, except for the wake-up an export's completion sends it: no lock. The
 * audit thread never waits for an export except when it flushes at shutdown, so a slow or absent
 * tracing backend never holds up the audit file.
 */
final class SpanBatches {

  /** The SDK's batch span processor settings, read the same way. */
  record Settings(int maxBatch, int maxQueue, long delayNanos, long timeoutNanos) {
    static final Settings DEFAULT =
        new Settings(512, 2048, TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(30));

    Settings {
      if (maxBatch < 1 || maxQueue < 1 || delayNanos < 0 || timeoutNanos < 0) {
        throw new IllegalArgumentException(
            "otel.bsp.max.export.batch.size and otel.bsp.max.queue.size must be at least 1,"
                + " otel.bsp.schedule.delay and otel.bsp.export.timeout at least 0");
      }
      // The SDK's rules: a batch is never bigger than the queue, and a timeout of 0 is none.
      maxBatch = Math.min(maxBatch, maxQueue);
      if (timeoutNanos == 0) {
        timeoutNanos = Long.MAX_VALUE / 4;
      }
    }

    static Settings of(int maxBatch, int maxQueue, Duration delay, Duration timeout) {
      return new Settings(maxBatch, maxQueue, delay.toNanos(), timeout.toNanos());
    }
  }

  private final SpanExporter exporter;
  private final Settings settings;
  private final Runnable wake;
  private final ArrayList<SpanData> pending = new ArrayList<>();
  private long firstPendingAt;
  private CompletableResultCode inFlight;
  private long inFlightSince;
  private long dropped;
  private final AuditLosses losses;

  /**
   * @param wake called (from the exporter's thread) when an export completes, so the audit thread
   *     sends the next batch without waiting out its timer
   */
  SpanBatches(SpanExporter exporter, Settings settings, Runnable wake, AuditLosses losses) {
    this.exporter = exporter;
    this.settings = settings;
    this.wake = wake;
    this.losses = losses;
  }

  /** Adds a finished span, or drops it when {@code max.queue.size} spans already wait. */
  void add(SpanData span, long now) {
    if (pending.size() >= settings.maxQueue()) {
      dropped++;
      losses.lost(AuditLosses.Reason.QUEUE_FULL, 1);
      // One text, so the log writes it once a minute with a count, not once per span.
      Log.get()
          .warn(
              "audit spans dropped: made faster than the tracing backend takes them"
                  + " (otel.bsp.max.queue.size="
                  + settings.maxQueue()
                  + "); the audit file, when set, still has every record");
      return;
    }
    if (pending.isEmpty()) {
      firstPendingAt = now;
    }
    pending.add(span);
  }

  /** Spans dropped so far because the queue was full. */
  long dropped() {
    return dropped;
  }

  /** Spans waiting for an export. */
  int pending() {
    return pending.size();
  }

  /**
   * Sends a batch if one is due and no export is in flight.
   *
   * @return nanoseconds until this should be called again (an export's completion also wakes the
   *     caller), or {@link Long#MAX_VALUE} when nothing waits
   */
  long service(long now) {
    if (inFlight != null) {
      if (!settle(now)) {
        return Math.max(1, settings.timeoutNanos() - (now - inFlightSince));
      }
    }
    if (pending.isEmpty()) {
      return Long.MAX_VALUE;
    }
    long waited = now - firstPendingAt;
    if (pending.size() < settings.maxBatch() && waited < settings.delayNanos()) {
      return settings.delayNanos() - waited;
    }
    send(now);
    // The next batch waits for this one; its completion wakes the audit thread.
    return settings.timeoutNanos();
  }

  /**
   * Whether the export in flight is over: done, or given up after {@code export.timeout} (the
   * exporter's own timeout normally ends it first, with an error it logs itself).
   */
  private boolean settle(long now) {
    if (inFlight.isDone()) {
      inFlight = null;
      return true;
    }
    if (now - inFlightSince >= settings.timeoutNanos()) {
      Log.get()
          .warn(
              "an audit span export took longer than otel.bsp.export.timeout; sending the next batch");
      inFlight = null;
      return true;
    }
    return false;
  }

  private void send(long now) {
    int size = Math.min(settings.maxBatch(), pending.size());
    List<SpanData> head = pending.subList(0, size);
    List<SpanData> batch = new ArrayList<>(head);
    head.clear();
    firstPendingAt = now;
    inFlightSince = now;
    CompletableResultCode result;
    try {
      result = exporter.export(batch);
    } catch (RuntimeException e) {
      // The class alone: a message that varies would defeat the log's once-a-minute grouping.
      // An error (a class that cannot load) goes to the audit thread, which turns spans off.
      Log.get().warn("cannot export audit spans (" + e.getClass().getName() + ")");
      result = CompletableResultCode.ofFailure();
    }
    inFlight = result;
    CompletableResultCode sent = result;
    result.whenComplete(
        () -> {
          if (!sent.isSuccess()) {
            losses.lost(AuditLosses.Reason.EXPORT_FAILED, batch.size());
          }
          wake.run();
        });
  }

  /**
   * Exports everything that waits, one batch after another, until {@code deadline} ({@link
   * System#nanoTime()}); at shutdown.
   *
   * @return whether everything was exported in time
   */
  boolean flush(long deadline) {
    while (true) {
      long now = System.nanoTime();
      if (inFlight != null) {
        long left = deadline - now;
        if (left <= 0) {
          return false;
        }
        inFlight.join(left, TimeUnit.NANOSECONDS);
        if (!inFlight.isDone()) {
          return false;
        }
        inFlight = null;
        continue;
      }
      if (pending.isEmpty()) {
        return true;
      }
      if (deadline - now <= 0) {
        return false;
      }
      send(now);
    }
  }

  /** Shuts the exporter down, waiting until {@code deadline} at most. */
  void shutdown(long deadline) {
    long left = Math.max(0, deadline - System.nanoTime());
    exporter.shutdown().join(left, TimeUnit.NANOSECONDS);
  }
}
