package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Headers;
import dev.warden.policy.Retry;
import java.util.List;

/**
 * The response policies of one hop, in one readable place: what each asks for is added up into the
 * attempt's {@link Reaction}.
 */
final class ResponseRules {

  private static final List<ResponsePolicy> POLICIES =
      List.of(new RenewCredential(), new JiraPause(), new RateLimitRetry(), new NearLimit());

  private final Retry retry;
  private final boolean replayable;
  private final WardenClock clock;
  private final ResponseFacts.Jitter jitter;
  private final ResponseEffects effects;

  /**
   * @param retry the policy's {@code retry}
   * @param replayable whether the hop's request can be sent again
   * @param effects applies what the reactions change for later requests
   */
  ResponseRules(
      Retry retry,
      boolean replayable,
      WardenClock clock,
      ResponseFacts.Jitter jitter,
      ResponseEffects effects) {
    this.retry = retry;
    this.replayable = replayable;
    this.clock = clock;
    this.jitter = jitter;
    this.effects = effects;
  }

  /** Applies a reaction's effects on later requests. */
  void apply(Reaction reaction) {
    effects.apply(reaction.effects());
  }

  /** What Warden makes of the response to {@code attempt} of the hop {@code sent}. */
  Reaction react(Hop sent, Attempt attempt, int status, Headers headers) {
    ResponseFacts facts =
        new ResponseFacts(sent, attempt, status, headers, retry, replayable, clock, jitter);
    Reaction reaction = Reaction.NONE;
    for (ResponsePolicy policy : POLICIES) {
      reaction = reaction.and(policy.react(facts));
    }
    return reaction;
  }
}
