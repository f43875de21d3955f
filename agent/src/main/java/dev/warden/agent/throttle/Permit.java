package dev.warden.agent.throttle;

/**
 * What a throttle grants one request.
 *
 * @param granted whether a token is reserved for it
 * @param waitNanos how long to wait before sending, when granted
 * @param retryAfterNanos when refused: how long until a token is free
 */
public record Permit(boolean granted, long waitNanos, long retryAfterNanos) {

  /** A token, now. */
  public static final Permit NOW = new Permit(true, 0, 0);
}
