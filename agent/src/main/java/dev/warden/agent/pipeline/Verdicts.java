package dev.warden.agent.pipeline;

import dev.warden.agent.audit.Decisions;
import dev.warden.agent.bootstrap.Answer;

/**
 * What {@code warden.decision} says of a hop (CONTRACT section 5), read from how it ended: the one
 * place that decides it. Warden's refusals say theirs in the answer ({@link Answers}); a hop that
 * reached Jira, or that shared another caller's response, was allowed, or in dry-run would have
 * been denied or throttled.
 */
final class Verdicts {

  private Verdicts() {}

  /** The decision of a hop that ended so. */
  static String of(Outcome outcome) {
    if (outcome instanceof Outcome.Answered answered && !answered.relayed()) {
      return of(answered.answer());
    }
    Hop hop = outcome.hop();
    if (hop.decision() != null && !hop.decision().allowed()) {
      // Only a dry-run gets past a denial.
      return Decisions.WOULD_DENY;
    }
    return hop.throttledInDryRun() ? Decisions.WOULD_THROTTLE : Decisions.ALLOW;
  }

  /** The decision a refusal of Warden's carries. */
  static String of(Answer answer) {
    return answer.headers().first(Answers.DECISION_HEADER);
  }
}
