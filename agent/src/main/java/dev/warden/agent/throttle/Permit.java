package dev.warden.agent.throttle;

/**
 * What a throttle grants one request.
 *
 * @param granted whether a token is reserved for it
 * @param waitNanos how long to wait before sending, when granted
 * @param retryAfterNanos when refused: how long until a token is free
 * @param local whether the throttle's shared store could not be reached, so a local bucket at this
 *     JVM's share of the rate decided
 */
public record Permit(boolean granted, long waitNanos, long retryAfterNanos, boolean local) {

  /** A token, now. */
  public static final Permit NOW = new Permit(true, 0, 0, false);

  public Permit(boolean granted, long waitNanos, long retryAfterNanos) {
    this(granted, waitNanos, retryAfterNanos, false);
  }

  /** This permit, marked as decided by a local bucket in place of the store. */
  Permit asLocal() {
    return new Permit(granted, waitNanos, retryAfterNanos, true);
  }
}
