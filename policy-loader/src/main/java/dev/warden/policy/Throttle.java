package dev.warden.policy;

import dev.warden.policy.Words.Per;
import dev.warden.policy.yaml.Mark;
import java.time.Duration;
import java.util.Optional;

/**
 * A named token bucket.
 *
 * @param name the name under {@code throttles}
 * @param capacity the most tokens the bucket holds
 * @param refillTokens tokens added every {@code refillPeriod}
 * @param refillPeriod the refill period
 * @param maxWait how long a caller may wait for a token
 * @param per what gets a bucket of its own
 * @param store where a fleet shares the bucket, if anywhere
 * @param mark where it is written
 */
public record Throttle(
    String name,
    long capacity,
    long refillTokens,
    Duration refillPeriod,
    Duration maxWait,
    Per per,
    Optional<StoreUri> store,
    Mark mark) {

  /** The name of the throttle that applies to allowed requests whose rule names none. */
  public static final String DEFAULT = "default";

  /** The default {@code max-wait}. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);

  /** Whether this throttle limits exactly like {@code other} (where it is written aside). */
  public boolean sameLimits(Throttle other) {
    return capacity == other.capacity
        && refillTokens == other.refillTokens
        && refillPeriod.equals(other.refillPeriod)
        && per == other.per
        && store.equals(other.store);
  }
}
