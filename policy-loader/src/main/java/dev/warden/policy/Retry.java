package dev.warden.policy;

import java.time.Duration;

/**
 * How Jira's 429s (and idempotent 503s) are retried.
 *
 * @param maxAttempts attempts in all, counting the first
 * @param maxElapsed the longest a request may take across its attempts
 * @param baseDelay the first backoff step
 */
public record Retry(int maxAttempts, Duration maxElapsed, Duration baseDelay) {

  /** The defaults: 4 attempts within 60 s, backoff from 1 s. */
  public static final Retry DEFAULT = new Retry(4, Duration.ofSeconds(60), Duration.ofSeconds(1));
}
