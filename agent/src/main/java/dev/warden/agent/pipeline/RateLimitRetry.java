package dev.warden.agent.pipeline;

/**
 * Sends a request Jira answered with 429 (or, for an idempotent method, 503 with {@code
 * Retry-After}) again after the latest of {@code Retry-After}, {@code X-RateLimit-Reset} and the
 * backoff, within the policy's {@code retry}, when its body can be replayed (CONTRACT section 4).
 */
final class RateLimitRetry implements ResponsePolicy {

  @Override
  public Reaction react(ResponseFacts facts) {
    if (facts.hop().dryRun() || !facts.limited() || !facts.replayable()) {
      return Reaction.NONE;
    }
    if (facts.attempt().number() >= facts.retry().maxAttempts()
        || (facts.status() == 503 && !idempotent(facts.hop().request().method()))) {
      return Reaction.NONE;
    }
    long waitNanos =
        Math.max(facts.signal().waitMillis(facts.nowEpochMillis()), facts.backoffMillis())
            * 1_000_000L;
    if (facts.nowNanos() + waitNanos > facts.attempt().deadlineNanos()) {
      return Reaction.NONE;
    }
    return new Reaction(waitNanos, java.util.List.of());
  }

  private static boolean idempotent(String method) {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
      default -> false;
    };
  }
}
