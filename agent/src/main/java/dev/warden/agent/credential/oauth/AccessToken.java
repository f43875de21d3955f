package dev.warden.agent.credential.oauth;

/**
 * An access token Warden holds, and when it is due: renewed from {@link #renewAtNanos}, and, when
 * it cannot be renewed, sent no later than {@link #lastUseNanos}: half the renewal margin (at most
 * 10 s) before {@link #expiresAtNanos} (monotonic), so that a request that waits in a client's
 * queue or on a busy host does not reach Jira with a token that expired on the way (Jira would
 * answer 401). Never printed: {@link #toString()} shows only when it expires.
 */
final class AccessToken {

  private final String headerValue;
  private final long renewAtNanos;
  private final long expiresAtNanos;
  private final long lastUseNanos;

  private AccessToken(
      String headerValue, long renewAtNanos, long expiresAtNanos, long lastUseNanos) {
    this.headerValue = headerValue;
    this.renewAtNanos = renewAtNanos;
    this.expiresAtNanos = expiresAtNanos;
    this.lastUseNanos = lastUseNanos;
  }

  /** The longest a token is kept from its expiry when it cannot be renewed. */
  static final long MAX_IN_FLIGHT_NANOS = 10_000_000_000L;

  /** A bearer token. */
  static AccessToken bearer(String token, long renewAtNanos, long expiresAtNanos) {
    long margin = Math.max(0, Math.min(MAX_IN_FLIGHT_NANOS, (expiresAtNanos - renewAtNanos) / 2));
    return new AccessToken(
        "Bearer " + token, renewAtNanos, expiresAtNanos, expiresAtNanos - margin);
  }

  /**
   * A token that lives {@code lifeSeconds} from {@code askedAtNanos}: renewed when a fifth of its
   * life (at most a minute) is left.
   */
  static AccessToken issued(String token, long lifeSeconds, long askedAtNanos) {
    long life = Math.max(1, lifeSeconds) * 1_000_000_000L;
    long skew = Math.min(60_000_000_000L, life / 5);
    return bearer(token, askedAtNanos + life - skew, askedAtNanos + life);
  }

  /** This token, due now (Jira refused it: renew it, whatever its expiry says). */
  AccessToken dueAt(long nowNanos) {
    return new AccessToken(headerValue, nowNanos, expiresAtNanos, lastUseNanos);
  }

  /** The {@code Authorization} value. */
  String headerValue() {
    return headerValue;
  }

  /** The token itself, without {@code Bearer}. */
  String token() {
    return headerValue.substring("Bearer ".length());
  }

  /** Whether this is the token of that {@code Authorization} value. */
  boolean is(String value) {
    return headerValue.equals(value);
  }

  long renewAtNanos() {
    return renewAtNanos;
  }

  long expiresAtNanos() {
    return expiresAtNanos;
  }

  /** From when it is no longer sent, renewed or not. */
  long lastUseNanos() {
    return lastUseNanos;
  }

  @Override
  public String toString() {
    return "AccessToken[expiresAtNanos=" + expiresAtNanos + "]";
  }
}
