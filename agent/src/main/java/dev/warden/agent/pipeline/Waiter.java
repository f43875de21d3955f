package dev.warden.agent.pipeline;

import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a call spends a wait (for a throttle token): a blocking client's thread parks, since it waits
 * anyway; an asynchronous client's wait is scheduled, so no client thread is held.
 */
interface Waiter {

  /** A future that completes after {@code nanos}. */
  CompletableFuture<Void> delay(long nanos);

  /**
   * Parks the calling thread; an interrupt ends the wait with an {@link InterruptedIOException}.
   */
  static Waiter parking(WardenClock clock) {
    return nanos -> {
      long deadline = clock.nanoTime() + nanos;
      long left = nanos;
      while (left > 0) {
        LockSupport.parkNanos(left);
        if (Thread.currentThread().isInterrupted()) {
          return CompletableFuture.failedFuture(
              new InterruptedIOException("warden: interrupted while waiting for a throttle token"));
        }
        left = deadline - clock.nanoTime();
      }
      return CompletableFuture.completedFuture(null);
    };
  }

  /** Schedules the rest of the call on Warden's scheduler. */
  static Waiter scheduled(ScheduledExecutorService scheduler) {
    return nanos -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      scheduler.schedule(() -> done.complete(null), nanos, TimeUnit.NANOSECONDS);
      return done;
    };
  }
}
