package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.throttle.RateLimitSignal;
import dev.warden.policy.Retry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a hop's attempts: the first, and another whenever the {@link ResponseRules} react to a
 * response with a retry (Jira's 429 and 503, a 401 to a renewable credential). Each attempt goes
 * through the pause, the throttle and the credential again. The reaction to a response, and its
 * effects ({@link ResponseEffects}), are decided once per attempt ({@link Attempt#react}). Waits
 * are spent by the call's {@link Waiter}: scheduled for an asynchronous client, so no client I/O
 * thread ever sleeps.
 */
final class RetryStage implements Stage {

  private final ResponseEffects effects;
  private final WardenClock clock;
  private final ResponseFacts.Jitter jitter;

  RetryStage(ResponseEffects effects, WardenClock clock, ResponseFacts.Jitter jitter) {
    this.effects = effects;
    this.clock = clock;
    this.jitter = jitter;
  }

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    Retry retry = hop.exchange().snapshot().policy().retry();
    boolean replayable =
        !hop.dryRun()
            && retry.maxAttempts() > 1
            && hop.exchange().call().resendable()
            && readBody(hop.request().body());
    ResponseRules rules = new ResponseRules(retry, replayable, clock, jitter, effects);
    long deadline = clock.nanoTime() + retry.maxElapsed().toNanos();
    return attempt(hop, next, rules, new Attempt(1, deadline, false, rules));
  }

  private CompletableFuture<Outcome> attempt(
      Hop hop, Chain next, ResponseRules rules, Attempt attempt) {
    return next.proceed(hop.attempt(attempt))
        .thenCompose(
            outcome -> {
              if (!(outcome instanceof Outcome.Sent sent)) {
                return CompletableFuture.completedFuture(outcome);
              }
              Headers headers = sent.response().headers();
              effects.observed(hop.site().id(), headers);
              String limited =
                  RateLimitSignal.asksToWait(sent.status(), headers)
                      ? RateLimitSignal.reasonOf(headers)
                      : null;
              if (limited != null) {
                // The last of the call's limited responses names the span's reason.
                hop.audit().put(AuditAttributes.JIRA_RATE_LIMIT_REASON, limited);
              }
              Reaction reaction = attempt.react(sent.hop(), sent.status(), headers);
              if (!reaction.retries()) {
                return CompletableFuture.completedFuture(outcome);
              }
              sent.response().discard();
              recordRetry(hop, sent.status(), limited, reaction.retryNanos(), attempt.number());
              boolean renewed =
                  attempt.renewed()
                      || reaction.effects().stream().anyMatch(Reaction.Renew.class::isInstance);
              Attempt again =
                  new Attempt(attempt.number() + 1, attempt.deadlineNanos(), renewed, rules);
              return hop.exchange()
                  .waiter()
                  .delay(reaction.retryNanos())
                  .thenCompose(ignored -> attempt(hop, next, rules, again));
            });
  }

  private void recordRetry(Hop hop, int status, String limited, long waitNanos, int number) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put(AuditAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
    if (limited != null) {
      event.put(AuditAttributes.JIRA_RATE_LIMIT_REASON, limited);
    }
    event.put("warden.retry.wait_ms", waitNanos / 1_000_000);
    event.put("warden.retry.attempt", (long) number + 1);
    hop.audit()
        .event(new AuditRecord.Event("warden.retry", clock.epochNanos(), event))
        .put(
            AuditAttributes.HTTP_REQUEST_RESEND_COUNT,
            (long) number + (hop.redirects() == 0 ? hop.exchange().call().clientResends() : 0));
  }

  /**
   * Reads a body into memory before the first attempt, so that a retry sends the same bytes; false
   * when it cannot be.
   */
  private static boolean readBody(Body body) {
    return body == Body.NONE || body.bytes() != null;
  }
}
