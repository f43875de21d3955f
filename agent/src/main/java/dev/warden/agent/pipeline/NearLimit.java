package dev.warden.agent.pipeline;

import dev.warden.agent.throttle.RateLimitSignal;

/**
 * {@code X-RateLimit-NearLimit: true}: the site's buckets go at half rate until Jira's window
 * resets (at most a minute; a second when Jira gives no reset).
 */
final class NearLimit implements ResponsePolicy {

  @Override
  public Reaction react(ResponseFacts facts) {
    if (facts.hop().dryRun() || !RateLimitSignal.nearLimit(facts.headers())) {
      return Reaction.NONE;
    }
    long now = facts.nowEpochMillis();
    long reset = facts.signal().resetEpochMillis();
    long until = reset > now ? Math.min(reset, now + 60_000) : now + 1_000;
    return Reaction.effects(new Reaction.Slow(facts.hop().site().id(), until));
  }
}
