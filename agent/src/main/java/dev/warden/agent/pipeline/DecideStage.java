package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.decision.CallFacts;
import dev.warden.decision.Decision;
import java.util.concurrent.CompletableFuture;

/**
 * Decides the hop by the policy's rules; a denial is answered here with the 403 of CONTRACT section
 * 4. In dry-run a denied hop goes on (its outcome then says {@code would-deny}).
 */
final class DecideStage implements Stage {

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    Decision decision =
        hop.exchange()
            .snapshot()
            .engine()
            .decide(
                new CallFacts(
                    hop.site(),
                    hop.classification(),
                    hop.request().method(),
                    hop.exchange().callerClassForRules()));
    hop.audit().put(AuditAttributes.WARDEN_RULE, decision.ruleId());
    Hop decided = hop.decided(decision);
    if (decision.allowed() || hop.dryRun()) {
      return next.proceed(decided);
    }
    return CompletableFuture.completedFuture(
        new Outcome.Answered(
            Answers.denied(
                hop.request().method(),
                hop.rawPath(),
                hop.classification().operation().name(),
                decision.ruleId()),
            decided,
            false));
  }
}
