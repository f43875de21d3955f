package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.audit.AuditSink;
import dev.warden.agent.log.Level;
import dev.warden.agent.log.Log;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The outermost stage: records the hop (CONTRACT section 5) however it ends, with the decision its
 * outcome shows ({@link Verdicts}), and turns an internal error into the 503 of CONTRACT section 4,
 * so Jira-bound traffic fails closed and the application gets an answer it can handle.
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
    hop.audit()
        .put(AuditAttributes.JIRA_SITE, hop.site().id())
        .put(
            AuditAttributes.WARDEN_CALLER,
            (Supplier<String>) () -> hop.exchange().callsite().caller().qualifiedMethod());
    CompletableFuture<Outcome> result;
    try {
      result = next.proceed(hop);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.handle((outcome, error) -> finish(hop, outcome, error));
  }

  private Outcome finish(Hop hop, Outcome outcome, Throwable error) {
    if (error != null) {
      Log.get()
          .error(
              "internal error while handling "
                  + hop.entered().method()
                  + " "
                  + hop.rawPath()
                  + " on site "
                  + hop.site().id()
                  + "; answered 503 ("
                  + Gateway.cause(error)
                  + ")");
      outcome = new Outcome.Answered(Answers.internalError(), hop, false);
    }
    AuditRecord.Builder audit = hop.audit();
    String decision = Verdicts.of(outcome);
    audit.put(AuditAttributes.WARDEN_DECISION, decision);
    String ended;
    if (outcome instanceof Outcome.Failed failed) {
      ended = ClientFailure.typeOf(failed.error());
      audit.put(AuditAttributes.ERROR_TYPE, ended);
    } else {
      int status = status(outcome);
      ended = "status " + status;
      audit.put(AuditAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
      if (status >= 400) {
        audit.put(AuditAttributes.ERROR_TYPE, Integer.toString(status));
      }
    }
    Log log = Log.get();
    if (log.enabled(Level.DEBUG)) {
      log.debug(
          hop.entered().method()
              + " "
              + hop.rawPath()
              + " on site "
              + hop.site().id()
              + ": "
              + decision
              + " by rule "
              + audit.get(AuditAttributes.WARDEN_RULE)
              + ", "
              + ended);
    }
    try {
      sink.record(audit.end(clock.epochNanos()));
    } catch (RuntimeException e) {
      Log.get().warn("cannot record an audit record: " + e);
    }
    return outcome;
  }

  private static int status(Outcome outcome) {
    return outcome instanceof Outcome.Sent sent
        ? sent.status()
        : ((Outcome.Answered) outcome).answer().status();
  }
}
