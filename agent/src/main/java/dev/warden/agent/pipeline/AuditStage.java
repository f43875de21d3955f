package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditSink;
import dev.warden.agent.audit.Decisions;
import dev.warden.agent.log.Log;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The outermost stage: records the hop (CONTRACT section 5) however it ends, and turns an internal
 * error into the 503 of CONTRACT section 4, so Jira-bound traffic fails closed and the application
 * gets an answer it can handle.
 */
final class AuditStage implements Stage {

  private final AuditSink sink;
  private final WardenClock clock;

  AuditStage(AuditSink sink, WardenClock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    hop.audit.put(AuditAttributes.JIRA_SITE, hop.site.id())
        .put(AuditAttributes.WARDEN_CALLER, (Supplier<String>) () -> hop.exchange.callsite().caller().qualifiedMethod());
    CompletableFuture<Outcome> result;
    try {
      result = next.proceed(hop);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.handle((outcome, error) -> finish(hop, outcome, error));
  }

  private Outcome finish(Hop hop, Outcome outcome, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause != null && !hop.transportFailed) {
      Log.get().error("internal error while handling " + hop.request + "; answered 503 (" + cause + ")");
      hop.audit.put(AuditAttributes.WARDEN_DECISION, Decisions.UNAVAILABLE);
      outcome = new Outcome.Answered(Answers.unavailable("internal error; the request was not sent", CredentialStage.RETRY_AFTER_NANOS));
      cause = null;
    }
    if (cause != null) {
      hop.audit.put(AuditAttributes.ERROR_TYPE, cause.getClass().getName());
    } else {
      hop.audit.put(AuditAttributes.HTTP_RESPONSE_STATUS_CODE, (long) outcome.status());
      if (outcome.status() >= 400) {
        hop.audit.put(AuditAttributes.ERROR_TYPE, Integer.toString(outcome.status()));
      }
    }
    Log log = Log.get();
    if (log.enabled(dev.warden.agent.log.Level.DEBUG)) {
      log.debug(hop.request.method() + " " + hop.rawPath() + " on site " + hop.site.id() + ": "
          + hop.audit.get(AuditAttributes.WARDEN_DECISION) + " by rule " + hop.audit.get(AuditAttributes.WARDEN_RULE)
          + ", " + (cause == null ? "status " + outcome.status() : cause.getClass().getName()));
    }
    try {
      sink.record(hop.audit.end(clock.epochNanos()));
    } catch (RuntimeException e) {
      Log.get().warn("cannot record an audit record: " + e);
    }
    if (cause != null) {
      throw cause instanceof CompletionException ce ? ce : new CompletionException(cause);
    }
    return outcome;
  }
}
