package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.Decisions;
import dev.warden.decision.CallFacts;
import dev.warden.decision.Decision;
import java.util.concurrent.CompletableFuture;

/** Decides the hop by the policy's rules; a denial is answered here with the 403 of CONTRACT section 4. */
final class DecideStage implements Stage {

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    Decision decision = hop.exchange.snapshot().engine()
        .decide(new CallFacts(hop.site, hop.classification, hop.request.method(), hop.exchange.callsite().callerClass()));
    hop.decision = decision;
    hop.audit.put(AuditAttributes.WARDEN_RULE, decision.ruleId());
    if (decision.allowed()) {
      hop.audit.put(AuditAttributes.WARDEN_DECISION, Decisions.ALLOW);
      return next.proceed(hop);
    }
    if (hop.dryRun()) {
      hop.wouldDeny = true;
      hop.audit.put(AuditAttributes.WARDEN_DECISION, Decisions.WOULD_DENY);
      return next.proceed(hop);
    }
    hop.audit.put(AuditAttributes.WARDEN_DECISION, Decisions.DENY);
    return CompletableFuture.completedFuture(new Outcome.Answered(
        Answers.denied(hop.request.method(), hop.rawPath(), hop.classification.operation().id(), decision.ruleId())));
  }
}
