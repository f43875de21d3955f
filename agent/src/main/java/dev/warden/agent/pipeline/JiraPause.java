package dev.warden.agent.pipeline;

import dev.warden.agent.throttle.Pauses;
import dev.warden.agent.throttle.RateLimitSignal;

/**
 * Jira's 429 (or 503 with {@code Retry-After}) pauses the requests its {@code RateLimit-Reason}
 * names (CONTRACT section 4): writes to that issue, that endpoint and method, or the whole site;
 * until the latest of what Jira said, or the backoff when it said nothing usable.
 */
final class JiraPause implements ResponsePolicy {

  @Override
  public Reaction react(ResponseFacts facts) {
    if (facts.hop().dryRun() || !facts.limited()) {
      return Reaction.NONE;
    }
    RateLimitSignal signal = facts.signal();
    long now = facts.nowEpochMillis();
    long jiraWait = signal.waitMillis(now);
    long until = now + (jiraWait > 0 ? jiraWait : facts.backoffMillis());
    return Reaction.effects(
        new Reaction.Pause(
            scope(facts.hop(), signal.reason()), until, facts.status(), signal.reason()));
  }

  private static Pauses.Scope scope(Hop hop, String reason) {
    String site = hop.site().id();
    String issue = hop.issue();
    if (RateLimitSignal.PER_ISSUE_ON_WRITE.equals(reason)
        && issue != null
        && Pauses.isWrite(hop.request().method())) {
      return Pauses.Scope.issueWrites(site, issue);
    }
    if (RateLimitSignal.BURST.equals(reason) || RateLimitSignal.PER_ISSUE_ON_WRITE.equals(reason)) {
      // An issue's write limit on a request that names no issue (a link, a bulk edit): that
      // endpoint, not the site.
      return Pauses.Scope.endpoint(
          site, hop.request().method(), hop.classification().routeTemplate());
    }
    return Pauses.Scope.site(site);
  }
}
