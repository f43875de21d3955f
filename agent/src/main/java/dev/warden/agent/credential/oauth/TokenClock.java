package dev.warden.agent.credential.oauth;

import java.util.concurrent.locks.LockSupport;

/**
 * Time as the OAuth grants read it: a monotonic clock for a JVM's own token, the wall clock for the
 * state a fleet shares (its JVMs agree on it), and a way to wait. Injected, so tests move it.
 */
public interface TokenClock {

  /** The system's clocks. */
  TokenClock SYSTEM =
      new TokenClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long epochMillis() {
          return System.currentTimeMillis();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
          LockSupport.parkNanos(millis * 1_000_000L);
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
      };

  /** Monotonic nanoseconds. */
  long nanoTime();

  /** Milliseconds since the epoch. */
  long epochMillis();

  /** Waits this long. */
  void sleep(long millis) throws InterruptedException;
}
