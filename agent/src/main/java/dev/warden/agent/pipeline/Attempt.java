package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Headers;

/**
 * One attempt of a hop (a retry of Jira's 429, or of its 401 once the credential is renewed, is
 * another), and what Warden makes of its response. That reaction is decided once, the first time
 * anyone asks (a hook, as the response's header fields arrive, so that it need not feed a discarded
 * body to the application; else the retry stage, when the response is complete), and kept, so that
 * the answer a hook was given is the one acted on.
 */
final class Attempt {

  /** A hop that never reached {@link RetryStage}: nothing of its response is acted on. */
  static final Attempt FIRST = new Attempt(1, Long.MAX_VALUE, false, null);

  private final int number;
  private final long deadlineNanos;
  private final boolean renewed;
  private final ResponseRules rules;
  private Reaction reaction;

  /**
   * @param number 1 for the first attempt
   * @param deadlineNanos when the policy's {@code retry.max-elapsed} is up (monotonic)
   * @param renewed whether an earlier attempt already renewed the credential after Jira's 401
   * @param rules what Warden may do about the response, or {@code null} for nothing
   */
  Attempt(int number, long deadlineNanos, boolean renewed, ResponseRules rules) {
    this.number = number;
    this.deadlineNanos = deadlineNanos;
    this.renewed = renewed;
    this.rules = rules;
  }

  int number() {
    return number;
  }

  /** Whether an earlier attempt of the hop renewed the credential after Jira's 401. */
  boolean renewed() {
    return renewed;
  }

  /** When {@code retry.max-elapsed} is up. */
  long deadlineNanos() {
    return deadlineNanos;
  }

  /**
   * How long past its {@code max-wait} this attempt may wait for a pause: a retry may wait until
   * {@code retry.max-elapsed} is up (it was promised one), the first attempt not at all.
   */
  long extraWaitNanos(long nowNanos) {
    return number == 1 ? 0 : Math.max(0, deadlineNanos - nowNanos);
  }

  /** Whether Warden will discard this response to send the request again; asked by hooks. */
  boolean discards(Hop sent, int status, Headers headers) {
    return react(sent, status, headers).retries();
  }

  /**
   * What Warden makes of the response to this attempt: decided at the first call, when its effects
   * are applied ({@link ResponseRules#apply}), once; later calls get the same reaction.
   *
   * @param sent the hop as it was sent
   */
  Reaction react(Hop sent, int status, Headers headers) {
    if (rules == null) {
      return Reaction.NONE;
    }
    synchronized (this) {
      if (reaction == null) {
        reaction = rules.react(sent, this, status, headers);
        rules.apply(reaction);
      }
      return reaction;
    }
  }
}
