package dev.warden.decision;

import dev.warden.policy.Rule;
import dev.warden.policy.Throttle;
import dev.warden.policy.Words.Effect;
import java.util.Optional;

/**
 * What the policy says about one request: which rule decided, and what follows from it.
 *
 * @param ruleId the deciding rule's id, or {@code default-deny}
 * @param effect allow or deny
 * @param throttle the throttle that applies to an allowed request, if any
 * @param coalesce whether identical concurrent GETs are sent once
 */
public record Decision(
    String ruleId, Effect effect, Optional<Throttle> throttle, boolean coalesce) {

  /** The decision when no rule matched. */
  public static final Decision DEFAULT_DENY =
      new Decision(Rule.DEFAULT_DENY, Effect.DENY, Optional.empty(), false);

  /** Whether the request is allowed. */
  public boolean allowed() {
    return effect == Effect.ALLOW;
  }
}
