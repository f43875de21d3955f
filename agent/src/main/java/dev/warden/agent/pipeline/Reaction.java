package dev.warden.agent.pipeline;

import dev.warden.agent.credential.Authorization;
import dev.warden.agent.throttle.Pauses;
import java.util.ArrayList;
import java.util.List;

/**
 * What Warden does about one response besides handing it on: send the request again (and when), and
 * the effects the response has on later requests. A value that {@link ResponseRules} return and
 * {@link ResponseEffects} apply, once the response is complete.
 *
 * @param retryNanos the wait before the next attempt, or {@link #NO_RETRY}
 * @param effects what changes for later requests
 */
record Reaction(long retryNanos, List<Effect> effects) {

  /** The response goes to the application, and changes nothing. */
  static final Reaction NONE = new Reaction(Reaction.NO_RETRY, List.of());

  /** {@link #retryNanos} of a response that is not retried. */
  static final long NO_RETRY = -1;

  Reaction {
    effects = List.copyOf(effects);
  }

  /** Nothing but effects. */
  static Reaction effects(Effect... effects) {
    return new Reaction(NO_RETRY, List.of(effects));
  }

  /** Whether the request is sent again. */
  boolean retries() {
    return retryNanos != NO_RETRY;
  }

  /** Both reactions: the first one's retry, else the other's; the effects of both. */
  Reaction and(Reaction other) {
    if (other.effects.isEmpty() && !other.retries()) {
      return this;
    }
    if (effects.isEmpty() && !retries()) {
      return other;
    }
    List<Effect> all = new ArrayList<>(effects);
    all.addAll(other.effects);
    return new Reaction(retries() ? retryNanos : other.retryNanos, all);
  }

  /** An effect of a response on later requests. */
  sealed interface Effect {}

  /**
   * Jira asked these requests to pause (CONTRACT section 4).
   *
   * @param scope which requests
   * @param untilEpochMillis until when
   * @param status Jira's status, for the log
   * @param reason Jira's {@code RateLimit-Reason}, or {@code null}
   */
  record Pause(Pauses.Scope scope, long untilEpochMillis, int status, String reason)
      implements Effect {}

  /**
   * Jira refused the credential's value: it is renewed before the next request.
   *
   * @param credential the credential
   * @param refused the value Jira refused (never printed)
   */
  record Renew(Authorization credential, String refused) implements Effect {
    @Override
    public String toString() {
      return "Renew[" + credential.name() + "]";
    }
  }

  /**
   * Jira said the site is near its limit: its buckets go at half rate until then.
   *
   * @param site the site id
   * @param untilEpochMillis until when
   */
  record Slow(String site, long untilEpochMillis) implements Effect {}
}
