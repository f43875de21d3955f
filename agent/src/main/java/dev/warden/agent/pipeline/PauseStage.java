package dev.warden.agent.pipeline;

import dev.warden.agent.throttle.Pauses;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.policy.Policy;
import dev.warden.policy.Throttle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Holds a request while Jira has asked its scope to pause (CONTRACT section 4): it waits until the
 * pause ends when that is within its throttle's {@code max-wait} (5 s without a throttle), and is
 * answered with Warden's 429 otherwise, never reaching Jira. In dry-run nothing waits: the request
 * goes on, marked as one that would have been throttled.
 */
final class PauseStage implements Stage {

  private final ThrottleRegistry throttles;
  private final Pauses pauses;
  private final WardenClock clock;

  PauseStage(ThrottleRegistry throttles, WardenClock clock) {
    this.throttles = throttles;
    this.pauses = throttles.pauses();
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    Policy policy = hop.exchange().snapshot().policy();
    if (!throttles.storesOpen(policy)) {
      // The first request under a policy with stores opens them, to learn the pauses the fleet
      // knows.
      if (hop.exchange().call().blocking()) {
        throttles.openStores(policy);
      } else {
        return CompletableFuture.runAsync(
                () -> throttles.openStores(policy), throttles.storeExecutor())
            .thenCompose(ignored -> check(hop, next));
      }
    }
    return check(hop, next);
  }

  private CompletableFuture<Outcome> check(Hop hop, Chain next) {
    long until =
        pauses.pausedUntil(
            hop.site().id(),
            hop.request().method(),
            hop.classification().routeTemplate(),
            hop.issue());
    long waitNanos = until == 0 ? 0 : (until - clock.epochNanos() / 1_000_000) * 1_000_000L;
    if (waitNanos <= 0) {
      return next.proceed(hop);
    }
    if (hop.dryRun()) {
      return next.proceed(hop.wouldThrottle());
    }
    Throttle throttle = hop.decision().throttle().orElse(null);
    Duration maxWait = throttle != null ? throttle.maxWait() : Throttle.DEFAULT_MAX_WAIT;
    long allowed = maxWait.toNanos() + hop.attempt().extraWaitNanos(clock.nanoTime());
    if (waitNanos > allowed) {
      return CompletableFuture.completedFuture(
          new Outcome.Answered(
              Answers.paused(
                  hop.request().method(),
                  hop.rawPath(),
                  hop.classification().operation().name(),
                  throttle == null ? null : throttle.name(),
                  maxWait,
                  waitNanos),
              hop,
              false));
    }
    hop.audit().waited(waitNanos);
    return hop.exchange().waiter().delay(waitNanos).thenCompose(ignored -> next.proceed(hop));
  }
}
