package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.throttle.Permit;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.policy.Throttle;
import java.util.concurrent.CompletableFuture;

/**
 * Takes a token from the hop's throttle, waiting up to its {@code max-wait}; past it, answers with
 * the 429 of CONTRACT section 4. In dry-run nothing waits and nothing is refused: a refused hop
 * goes on, marked as one that would have been throttled.
 */
final class ThrottleStage implements Stage {

  private final ThrottleRegistry throttles;

  ThrottleStage(ThrottleRegistry throttles) {
    this.throttles = throttles;
  }

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    if (hop.decision().throttle().isEmpty()) {
      return next.proceed(hop);
    }
    Throttle throttle = hop.decision().throttle().get();
    hop.audit().put(AuditAttributes.WARDEN_THROTTLE, throttle.name());
    if (throttle.store().isPresent() && !hop.exchange().call().blocking()) {
      Permit leased =
          throttles.acquireLeased(
              throttle,
              hop.site().id(),
              hop.exchange().callerClassForRules(),
              hop.decision().ruleId());
      if (leased != null) {
        return granted(hop, throttle, leased, next);
      }
      // A store answers over the network: never on a client's own (I/O) thread.
      return CompletableFuture.supplyAsync(
              () -> acquire(hop, throttle), throttles.storeExecutor(throttle))
          .thenCompose(permit -> granted(hop, throttle, permit, next));
    }
    return granted(hop, throttle, acquire(hop, throttle), next);
  }

  private Permit acquire(Hop hop, Throttle throttle) {
    return throttles.acquire(
        throttle, hop.site().id(), hop.exchange().callerClassForRules(), hop.decision().ruleId());
  }

  private static CompletableFuture<Outcome> granted(
      Hop hop, Throttle throttle, Permit permit, Chain next) {
    if (permit.local()) {
      hop.audit().put(AuditAttributes.WARDEN_STORE, "local");
    }
    if (!permit.granted()) {
      if (hop.dryRun()) {
        return next.proceed(hop.wouldThrottle());
      }
      return CompletableFuture.completedFuture(
          new Outcome.Answered(
              Answers.throttled(
                  hop.request().method(),
                  hop.rawPath(),
                  hop.classification().operation().name(),
                  throttle.name(),
                  permit.retryAfterNanos()),
              hop,
              false));
    }
    if (permit.waitNanos() == 0 || hop.dryRun()) {
      return next.proceed(hop);
    }
    hop.audit().waited(permit.waitNanos());
    return hop.exchange()
        .waiter()
        .delay(permit.waitNanos())
        .thenCompose(ignored -> next.proceed(hop));
  }
}
