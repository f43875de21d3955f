package dev.warden.agent.pipeline;

import java.time.Clock;
import java.time.Instant;

/**
 * Time as the pipeline reads it: a monotonic clock for waits, a wall clock for audit timestamps.
 * Injected so tests control it.
 */
public interface WardenClock {

  /** The system's clocks. */
  WardenClock SYSTEM =
      new WardenClock() {
        private final Clock wall = Clock.systemUTC();

        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long epochNanos() {
          Instant now = wall.instant();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
      };

  /** Monotonic nanoseconds. */
  long nanoTime();

  /** Nanoseconds since the epoch. */
  long epochNanos();
}
