package dev.warden.agent.throttle;

import dev.warden.policy.StoreUri;
import dev.warden.policy.Throttle;
import dev.warden.policy.Words.Per;
import dev.warden.policy.secret.SecretResolver;
import io.github.bucket4j.BlockingBucket;
import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The token buckets of every throttle, kept across policy reloads for as long as a throttle's
 * limits stay the same, and the pauses Jira asked for. A request reserves its token at once and
 * learns how long to wait for it, so the wait can be spent wherever suits its client (parked, or
 * scheduled). A throttle with a {@code store} keeps its bucket there, shared by a fleet; while the
 * store cannot be reached, a local bucket at this JVM's share of the rate stands in.
 */
public final class ThrottleRegistry {

  private final RemainingRequests remaining = new RemainingRequests();

  private final TimeMeter clock;
  private final LongSupplier epochMillis;
  private final Pauses pauses;
  private final Stores stores;
  private final ConcurrentHashMap<Key, Entry> buckets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> slowed = new ConcurrentHashMap<>();

  /** A registry on the system clock, with stores' passwords from this process's environment. */
  public ThrottleRegistry() {
    this(TimeMeter.SYSTEM_NANOTIME, System::currentTimeMillis, SecretResolver.system());
  }

  /** A registry on an injected clock, so tests move time instead of sleeping. */
  public ThrottleRegistry(TimeMeter clock) {
    this(clock, System::currentTimeMillis, SecretResolver.system());
  }

  /**
   * @param clock the buckets' clock
   * @param epochMillis the wall clock, for pauses (shared by JVMs through a store)
   * @param secrets resolves stores' passwords
   */
  public ThrottleRegistry(TimeMeter clock, LongSupplier epochMillis, SecretResolver secrets) {
    this.clock = clock;
    this.epochMillis = epochMillis;
    this.pauses = new Pauses(epochMillis);
    this.stores = new Stores(secrets, pauses);
  }

  /**
   * A bucket's key. Its equality is written out: a record's is bootstrapped through {@code
   * invokedynamic} on first use, which took some 10 ms of the application's first Jira call.
   */
  private record Key(String throttle, String site, String scope, boolean localShare) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Key key
          && localShare == key.localShare
          && throttle.equals(key.throttle)
          && site.equals(key.site)
          && java.util.Objects.equals(scope, key.scope);
    }

    @Override
    public int hashCode() {
      int hash = throttle.hashCode();
      hash = 31 * hash + site.hashCode();
      hash = 31 * hash + (scope == null ? 0 : scope.hashCode());
      return 31 * hash + (localShare ? 1 : 0);
    }
  }

  private record Entry(Throttle throttle, int fleet, Bucket bucket) {}

  /** What each site's Jira last said was left of its rate limit. */
  public RemainingRequests remaining() {
    return remaining;
  }

  /** The pauses Jira asked for. */
  public Pauses pauses() {
    return pauses;
  }

  private volatile dev.warden.policy.Policy opened;

  /**
   * Whether every store the policy's throttles name is open (connected, or found unreachable), so
   * that the pauses the fleet knows are known here before a request is decided.
   */
  public boolean storesOpen(dev.warden.policy.Policy policy) {
    if (opened == policy) {
      return true;
    }
    for (Throttle throttle : policy.throttles().values()) {
      if (throttle.store().isPresent() && !stores.isOpen(throttle.store().get())) {
        return false;
      }
    }
    opened = policy;
    return true;
  }

  /**
   * Each of the policy's throttles that names a store, with whether that store serves now ({@code
   * false} while the throttle falls back to local buckets), for {@code warden.store.shared}.
   */
  public void storeStates(
      dev.warden.policy.Policy policy, java.util.function.BiConsumer<String, Boolean> each) {
    for (Map.Entry<String, Throttle> throttle : policy.throttles().entrySet()) {
      if (throttle.getValue().store().isPresent()) {
        RedisStore store = stores.peek(throttle.getValue().store().get());
        each.accept(throttle.getKey(), store != null && store.isUp());
      }
    }
  }

  /**
   * Opens every store the policy's throttles name; the first connection to each waits for Redis (at
   * most a second).
   */
  public void openStores(dev.warden.policy.Policy policy) {
    for (Throttle throttle : policy.throttles().values()) {
      throttle.store().ifPresent(stores::get);
    }
    opened = policy;
  }

  /**
   * Where store work runs (opening a store, a shared bucket's round trip), so that no client thread
   * waits on the network for it.
   */
  public Executor storeExecutor() {
    return stores.executor();
  }

  /** Where a throttle's store work runs, so that no client thread waits on the network for it. */
  public Executor storeExecutor(Throttle throttle) {
    return stores.executor();
  }

  /**
   * Slows every bucket of a site to half its rate until then: Jira said {@code
   * X-RateLimit-NearLimit}.
   */
  public void slow(String site, long untilEpochMillis) {
    // Jira says so on every response near its limit, from every thread: read before writing.
    Long current = slowed.get(site);
    if (current != null && current >= untilEpochMillis) {
      return;
    }
    slowed.merge(site, untilEpochMillis, Math::max);
  }

  /**
   * Reserves one token (two while the site is slowed), waiting at most the throttle's {@code
   * max-wait}. For a throttle with a store this asks the store, over the network.
   *
   * @param throttle the throttle
   * @param site the site id
   * @param callerClass the calling class, for {@code per: caller}
   * @param ruleId the deciding rule, for {@code per: rule}
   */
  public Permit acquire(Throttle throttle, String site, String callerClass, String ruleId) {
    String scope = scope(throttle, callerClass, ruleId);
    long tokens = tokens(throttle, site);
    long maxWait = throttle.maxWait().toNanos();
    if (throttle.store().isPresent()) {
      StoreUri uri = throttle.store().get();
      RedisStore store = stores.get(uri);
      if (store != null) {
        Permit permit = store.acquire(storeKey(throttle, site, scope), throttle, tokens, maxWait);
        if (permit != null) {
          return permit;
        }
        int fleet = store.fleetSize();
        return consume(local(throttle, site, scope, true, fleet), tokens, maxWait).asLocal();
      }
      return consume(local(throttle, site, scope, true, 1), tokens, maxWait).asLocal();
    }
    return consume(local(throttle, site, scope, false, 1), tokens, maxWait);
  }

  /**
   * A token for a throttle with a store from what this JVM already took from the shared bucket (its
   * lease), without the network; {@code null} when the store must be asked ({@link #acquire}).
   */
  public Permit acquireLeased(Throttle throttle, String site, String callerClass, String ruleId) {
    if (throttle.store().isEmpty()) {
      return null;
    }
    RedisStore store = stores.peek(throttle.store().get());
    if (store == null) {
      return null;
    }
    return store.fromLease(
        storeKey(throttle, site, scope(throttle, callerClass, ruleId)), tokens(throttle, site));
  }

  private static String scope(Throttle throttle, String callerClass, String ruleId) {
    return throttle.per() == Per.CALLER
        ? String.valueOf(callerClass)
        : throttle.per() == Per.RULE ? ruleId : "";
  }

  /** Slowed, a request takes two tokens: the bucket runs at half rate (one of one token cannot). */
  private long tokens(Throttle throttle, String site) {
    return isSlowed(site) && throttle.capacity() >= 2 * fleetShare(throttle) ? 2 : 1;
  }

  /**
   * A shared bucket's key. The limits are part of it: a fleet that changes them starts a new bucket
   * (the old one expires).
   */
  private static String storeKey(Throttle throttle, String site, String scope) {
    return "warden:bucket:"
        + throttle.name()
        + ":"
        + site
        + ":"
        + scope
        + ":"
        + throttle.capacity()
        + "-"
        + throttle.refillTokens()
        + "-"
        + throttle.refillPeriod().toMillis();
  }

  /** How long a lease of a shared bucket's tokens lasts in refill time. */
  static final long LEASE_SPAN_NANOS = 50_000_000L;

  /** The most tokens one round trip to a store takes ahead of need. */
  static final long MAX_LEASE = 100;

  /**
   * How many tokens one round trip to a store takes ahead of need: what the bucket refills in 50
   * ms, at most 100, and 1 (no lease) for a bucket slower than 40 tokens a second. A JVM holds at
   * most one lease of tokens it has not used, so a fleet of n JVMs exceeds the rate in any window
   * by at most n leases: with 4 JVMs, 4 × 50 ms of refill, 0.7% of a 30 s window.
   */
  static long leaseSize(Throttle throttle) {
    double perNano = throttle.refillTokens() / (double) throttle.refillPeriod().toNanos();
    return Math.max(1, Math.min(MAX_LEASE, (long) (perNano * LEASE_SPAN_NANOS)));
  }

  /**
   * The fleet size a local share of this throttle divides by now (1 without a store or while it is
   * up).
   */
  private int fleetShare(Throttle throttle) {
    if (throttle.store().isEmpty()) {
      return 1;
    }
    RedisStore store = stores.peek(throttle.store().get());
    return store == null || store.isUp() ? 1 : store.fleetSize();
  }

  private boolean isSlowed(String site) {
    if (slowed.isEmpty()) {
      return false;
    }
    Long until = slowed.get(site);
    if (until == null) {
      return false;
    }
    if (until <= epochMillis.getAsLong()) {
      slowed.remove(site, until);
      return false;
    }
    return true;
  }

  static Permit consume(BlockingBucket bucket, Bucket estimate, long tokens, long maxWait) {
    Recorder recorder = new Recorder();
    boolean granted;
    if (maxWait <= 0) {
      granted = estimate.tryConsume(tokens);
    } else {
      try {
        granted = bucket.tryConsume(tokens, maxWait, recorder);
      } catch (InterruptedException e) {
        // The recorder never sleeps, so this cannot happen; keep the flag for whoever asked.
        Thread.currentThread().interrupt();
        granted = false;
      }
    }
    if (granted) {
      return recorder.nanos == 0 ? Permit.NOW : new Permit(true, recorder.nanos, 0);
    }
    return new Permit(
        false, 0, Math.max(1, estimate.estimateAbilityToConsume(tokens).getNanosToWaitForRefill()));
  }

  private static Permit consume(Bucket bucket, long tokens, long maxWait) {
    return consume(bucket.asBlocking(), bucket, tokens, maxWait);
  }

  private Bucket local(
      Throttle throttle, String site, String scope, boolean localShare, int fleet) {
    Key key = new Key(throttle.name(), site, scope, localShare);
    Entry entry = buckets.get(key);
    if (entry == null || !entry.throttle.sameLimits(throttle) || entry.fleet != fleet) {
      entry =
          buckets.compute(
              key,
              (k, old) ->
                  old != null && old.throttle.sameLimits(throttle) && old.fleet == fleet
                      ? old
                      : new Entry(
                          throttle,
                          fleet,
                          Bucket.builder()
                              .addLimit(configuration(throttle, fleet).getBandwidths()[0])
                              .withCustomTimePrecision(clock)
                              .build()));
    }
    return entry.bucket;
  }

  /**
   * The throttle's limits, at {@code 1/fleet} of its rate and capacity (CONTRACT section 3, store
   * unreachable).
   */
  static BucketConfiguration configuration(Throttle throttle, int fleet) {
    long capacity = Math.max(1, throttle.capacity() / Math.max(1, fleet));
    Duration period = throttle.refillPeriod().multipliedBy(Math.max(1, fleet));
    return BucketConfiguration.builder()
        .addLimit(limit -> limit.capacity(capacity).refillGreedy(throttle.refillTokens(), period))
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
