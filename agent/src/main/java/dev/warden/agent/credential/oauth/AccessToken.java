package dev.warden.agent.credential.oauth;

/**
 * An access token Warden holds, and when it is due: renewed from {@link #renewAtNanos}, unusable
 * from {@link #expiresAtNanos} (monotonic). Never printed: {@link #toString()} shows only when it
 * expires.
 */
final class AccessToken {

  private final String headerValue;
  private final long renewAtNanos;
  private final long expiresAtNanos;

  private AccessToken(String headerValue, long renewAtNanos, long expiresAtNanos) {
    this.headerValue = headerValue;
    this.renewAtNanos = renewAtNanos;
    this.expiresAtNanos = expiresAtNanos;
  }

  /** A bearer token. */
  static AccessToken bearer(String token, long renewAtNanos, long expiresAtNanos) {
    return new AccessToken("Bearer " + token, renewAtNanos, expiresAtNanos);
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
    return new AccessToken(headerValue, nowNanos, expiresAtNanos);
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

  @Override
  public String toString() {
    return "AccessToken[expiresAtNanos=" + expiresAtNanos + "]";
  }
}
