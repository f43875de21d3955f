package dev.warden.agent.credential;

import dev.warden.policy.secret.SecretUnavailableException;

/** Where an {@code Authorization} header value comes from: one per credential of the policy. */
public interface Authorization {

  /** The credential's name, safe to print. */
  String name();

  /**
   * The header value to send, such as {@code Basic ...} or {@code Bearer ...}. Never logged.
   *
   * @throws SecretUnavailableException when a secret it needs cannot be read; the message says
   *     which and why
   */
  String headerValue() throws SecretUnavailableException;

  /** Whether {@link #headerValue()} answers now, without asking anything over the network. */
  default boolean ready() {
    return true;
  }

  /** Whether a new header value can be had (a token renewed) when Jira answers 401 to this one. */
  default boolean refreshable() {
    return false;
  }

  /** Jira answered 401 to this header value: do not send it again. */
  default void invalidate(String headerValue) {}

  /**
   * At shutdown: waits, until {@code deadlineNanos}, for a renewal in progress to end, so that a
   * refresh token the server rotated is written where it is kept before the JVM exits; none starts
   * after.
   */
  default void awaitRenewal(long deadlineNanos) {}

  /** Ends what the credential does in the background: it left the policy. */
  default void close() {}
}
