package dev.warden.agent.credential.oauth;

import dev.warden.policy.secret.SecretUnavailableException;
import java.io.IOException;

/**
 * How one OAuth credential gets a new access token: a client's credentials, a refresh token kept in
 * a file, or a refresh token a fleet keeps in a store. {@link OAuthCredential} caches what it gets
 * and decides when to ask.
 */
interface Grant {

  /** The longest a renewal that failed waits before the grant is asked again. */
  long MAX_BACKOFF_NANOS = 30_000_000_000L;

  /**
   * A new access token.
   *
   * @param refusedByJira the token Jira refused (answered 401), never to be taken again; or {@code
   *     null}
   * @param mayWait whether the caller holds no token that still serves, so it may wait while
   *     another JVM renews it
   * @return the token; {@code null} when another JVM renews it and the caller's still serves
   * @throws TokenEndpoint.Refused when the endpoint refused the grant
   * @throws IOException when the endpoint or a store cannot be reached
   */
  AccessToken obtain(AccessToken refusedByJira, boolean mayWait)
      throws IOException, SecretUnavailableException;

  /**
   * Whether the grant is a refresh token that can be refused ({@code invalid_grant}): consent must
   * then be renewed.
   */
  default boolean refreshes() {
    return false;
  }

  /**
   * Hears that the endpoint refused the refresh token it was given ({@code invalid_grant}), so that
   * the grant can remember which one that was.
   *
   * @return where the refresh token from a new consent goes, for the message that says so
   */
  default String onRefused() {
    return "its configuration";
  }

  /**
   * Whether a refusal is looked into again soon (a fleet's store may hold a new consent by then),
   * rather than only once the refresh token's source changes.
   */
  default boolean retriesAfterRefusal() {
    return false;
  }

  /**
   * Whether the refresh token the endpoint refused is still the one to present, so that asking
   * again is pointless until it changes.
   */
  default boolean refusalStands() throws SecretUnavailableException {
    return false;
  }

  /** How long the grant may be left alone after a failure, at most (the backoff's cap). */
  default long maxBackoffNanos() {
    return MAX_BACKOFF_NANOS;
  }

  /** Ends what the grant does in the background: its credential left the policy. */
  default void close() {}
}
