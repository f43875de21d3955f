package dev.warden.agent.throttle;

import dev.warden.policy.Throttle;
import dev.warden.policy.Words.Per;
import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token buckets of every throttle, kept across policy reloads for as long as a throttle's
 * limits stay the same. A request reserves its token at once and learns how long to wait for it,
 * so the wait can be spent wherever suits its client (parked, or scheduled).
 */
public final class ThrottleRegistry {

  private final TimeMeter clock;
  private final ConcurrentHashMap<Key, Entry> buckets = new ConcurrentHashMap<>();

  /** A registry on the system clock. */
  public ThrottleRegistry() {
    this(TimeMeter.SYSTEM_NANOTIME);
  }

  /** A registry on an injected clock, so tests move time instead of sleeping. */
  public ThrottleRegistry(TimeMeter clock) {
    this.clock = clock;
  }

  private record Key(String throttle, String site, String scope) {}

  private record Entry(Throttle throttle, Bucket bucket) {}

  /**
   * Reserves one token, waiting at most the throttle's {@code max-wait}.
   *
   * @param throttle the throttle
   * @param site the site id
   * @param callerClass the calling class, for {@code per: caller}
   * @param ruleId the deciding rule, for {@code per: rule}
   */
  public Permit acquire(Throttle throttle, String site, String callerClass, String ruleId) {
    Bucket bucket = bucket(throttle, site, callerClass, ruleId);
    long maxWait = throttle.maxWait().toNanos();
    Recorder recorder = new Recorder();
    boolean granted;
    if (maxWait <= 0) {
      granted = bucket.tryConsume(1);
    } else {
      try {
        granted = bucket.asBlocking().tryConsume(1, maxWait, recorder);
      } catch (InterruptedException e) {
        // The recorder never sleeps, so this cannot happen; keep the flag for whoever asked.
        Thread.currentThread().interrupt();
        granted = false;
      }
    }
    if (granted) {
      return recorder.nanos == 0 ? Permit.NOW : new Permit(true, recorder.nanos, 0);
    }
    return new Permit(false, 0, bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
  }

  private Bucket bucket(Throttle throttle, String site, String callerClass, String ruleId) {
    String scope =
        throttle.per() == Per.CALLER ? String.valueOf(callerClass) : throttle.per() == Per.RULE ? ruleId : "";
    Key key = new Key(throttle.name(), site, scope);
    Entry entry = buckets.get(key);
    if (entry == null || !entry.throttle.sameLimits(throttle)) {
      entry = buckets.compute(key, (k, old) -> old != null && old.throttle.sameLimits(throttle) ? old : new Entry(throttle, create(throttle)));
    }
    return entry.bucket;
  }

  private Bucket create(Throttle throttle) {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(throttle.capacity()).refillGreedy(throttle.refillTokens(), throttle.refillPeriod()))
        .withCustomTimePrecision(clock)
        .build();
  }

  /** Remembers how long the bucket says to wait instead of waiting. */
  private static final class Recorder implements BlockingStrategy {
    long nanos;

    @Override
    public void park(long nanosToPark) {
      nanos = nanosToPark;
    }
  }
}
