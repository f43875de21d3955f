package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.throttle.RateLimitSignal;
import dev.warden.policy.Retry;

/**
 * What the {@link ResponsePolicy response policies} decide from: the response to one attempt, the
 * hop as it was sent, and the policy's {@code retry}. What Jira said about its limits is read once
 * and only when a policy asks; so is the backoff, whose jitter is drawn once so that the pause and
 * the retry agree.
 */
final class ResponseFacts {

  private final Hop hop;
  private final Attempt attempt;
  private final int status;
  private final Headers headers;
  private final Retry retry;
  private final boolean replayable;
  private final WardenClock clock;
  private final Jitter jitter;
  private long nowEpochMillis = -1;
  private long nowNanos = -1;
  private RateLimitSignal signal;
  private long backoffMillis = -1;

  ResponseFacts(
      Hop hop,
      Attempt attempt,
      int status,
      Headers headers,
      Retry retry,
      boolean replayable,
      WardenClock clock,
      Jitter jitter) {
    this.hop = hop;
    this.attempt = attempt;
    this.status = status;
    this.headers = headers;
    this.retry = retry;
    this.replayable = replayable;
    this.clock = clock;
    this.jitter = jitter;
  }

  /** The hop as it was sent. */
  Hop hop() {
    return hop;
  }

  Attempt attempt() {
    return attempt;
  }

  int status() {
    return status;
  }

  Headers headers() {
    return headers;
  }

  Retry retry() {
    return retry;
  }

  /** Whether the request can be sent again: its body is in memory, and its client can resend. */
  boolean replayable() {
    return replayable;
  }

  /** The wall clock when first asked (most responses never ask). */
  long nowEpochMillis() {
    if (nowEpochMillis < 0) {
      nowEpochMillis = clock.epochNanos() / 1_000_000;
    }
    return nowEpochMillis;
  }

  /** The monotonic clock when first asked. */
  long nowNanos() {
    if (nowNanos < 0) {
      nowNanos = clock.nanoTime();
    }
    return nowNanos;
  }

  /**
   * Whether Jira asked the request to wait and come back: a 429, or a 503 with {@code Retry-After}.
   */
  boolean limited() {
    return RateLimitSignal.asksToWait(status, headers);
  }

  /** What the response says about Jira's rate limits. */
  RateLimitSignal signal() {
    if (signal == null) {
      signal = RateLimitSignal.read(headers, nowEpochMillis());
    }
    return signal;
  }

  /**
   * The backoff before the next attempt, in milliseconds: full jitter, uniform in [0, base-delay ×
   * 2^(attempt-1)] (at most {@code max-elapsed}); at least one token's refill when Data Center says
   * how long that is.
   */
  long backoffMillis() {
    if (backoffMillis < 0) {
      long ceiling = retry.baseDelay().toMillis() << Math.min(20, attempt.number() - 1);
      ceiling = Math.min(ceiling, retry.maxElapsed().toMillis());
      long jittered = ceiling <= 0 ? 0 : jitter.draw(ceiling + 1);
      long token = signal().tokenMillis();
      backoffMillis = token > 0 ? Math.max(jittered, token) : jittered;
    }
    return backoffMillis;
  }

  /** A source of jitter, injected so that tests can fix it. */
  @FunctionalInterface
  interface Jitter {

    /** Uniform in {@code [0, bound)}. */
    long draw(long bound);
  }
}
