package dev.warden.agent.throttle;

import dev.warden.agent.log.Log;
import dev.warden.agent.store.RedisClients;
import dev.warden.policy.StoreUri;
import dev.warden.policy.Throttle;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Redis that a fleet's JVMs share (CONTRACT section 3, {@code store}): token buckets through
 * Bucket4j's Lettuce proxy manager, keys that expire once a bucket would be full again; pauses Jira
 * asked for, published to every JVM on the store and kept as keys for JVMs that start later; and a
 * roll of the JVMs using the store, so that each knows its share of the rate while Redis is away.
 *
 * <p>Redis down is not an error for the application: {@link #acquire} answers {@code null} at once
 * (the caller then uses a local bucket), one log line says so, and a probe every second brings the
 * store back, with one more line.
 */
final class RedisStore {

  static final String PAUSE_CHANNEL = "warden:pauses";
  static final String PAUSE_PREFIX = "warden:pause:";
  static final String ROLL = "warden:jvms";

  private static final long ROLL_WINDOW_MILLIS = 60_000;

  /**
   * The buckets' time: the wall clock (JVMs share it; their monotonic clocks are unrelated) at the
   * JDK's finest precision, not Bucket4j's default of milliseconds, which loses a few percent of a
   * small bucket's rate to rounding.
   */
  static final TimeMeter WALL_CLOCK =
      new TimeMeter() {
        @Override
        public long currentTimeNanos() {
          java.time.Instant now = java.time.Instant.now();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
          return true;
        }
      };

  private final StoreUri uri;
  private final Pauses pauses;
  private final RedisClient client;
  private final ScheduledExecutorService upkeep;
  private final String jvm = UUID.randomUUID() + "@" + ProcessHandle.current().pid();
  private final ConcurrentHashMap<String, BucketProxy> proxies = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

  private volatile boolean up;
  private volatile int fleetSize = 1;
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  private volatile ProxyManager<byte[]> buckets;
  private volatile StatefulRedisPubSubConnection<String, String> subscription;

  RedisStore(StoreUri uri, String password, Pauses pauses) {
    this.uri = uri;
    this.pauses = pauses;
    this.client = RedisClients.create(uri, password);
    this.upkeep =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "warden-store-upkeep");
              thread.setDaemon(true);
              return thread;
            });
    pauses.listen(this::publish);
    if (!connect()) {
      Log.get()
          .error(
              "store "
                  + uri
                  + " cannot be reached; throttles that use it keep local buckets at this JVM's share of the rate until it can");
    }
    upkeep.execute(this::warmUp);
    upkeep.scheduleWithFixedDelay(this::upkeep, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Takes a token from a bucket of this JVM's own, on the upkeep thread as the store opens, so that
   * the classes a shared bucket's round trip needs (Bucket4j's commands, Lettuce's scripts: some
   * five hundred) are loaded and run before the first request, not on its thread.
   */
  private void warmUp() {
    ProxyManager<byte[]> manager = buckets;
    if (!up || manager == null) {
      return;
    }
    byte[] key = ("warden:warm-up:" + jvm).getBytes(StandardCharsets.UTF_8);
    try {
      BucketProxy bucket =
          manager
              .builder()
              .withOptimization(Optimizations.batching())
              .build(
                  key,
                  () ->
                      BucketConfiguration.builder()
                          .addLimit(
                              limit -> limit.capacity(2).refillGreedy(1, Duration.ofSeconds(1)))
                          .build());
      bucket.tryConsumeAsMuchAsPossible(1);
      ThrottleRegistry.consume(bucket.asBlocking(), bucket, 2, 1_000_000_000L);
      manager.removeProxy(key);
    } catch (RuntimeException e) {
      // The first request will find out what is wrong, and say so.
    }
  }

  /** Whether the store answers now. */
  boolean isUp() {
    return up;
  }

  /** How many JVMs used the store in the last minute (at least 1), as last seen. */
  int fleetSize() {
    return fleetSize;
  }

  /**
   * Reserves tokens in the shared bucket.
   *
   * <p>When the throttle's lease ({@link ThrottleRegistry#leaseSize}) is more than one token, the
   * round trip takes what is free up to it; what this request does not use serves the next ones
   * from {@link #fromLease}.
   *
   * @return the permit, or {@code null} when the store cannot be reached (use a local bucket)
   */
  Permit acquire(String key, Throttle throttle, long tokens, long maxWaitNanos) {
    ProxyManager<byte[]> manager = buckets;
    if (!up || manager == null) {
      return null;
    }
    Permit leased = fromLease(key, tokens);
    if (leased != null) {
      return leased;
    }
    try {
      BucketProxy bucket =
          proxies.computeIfAbsent(
              key,
              k ->
                  manager
                      .builder()
                      .withOptimization(Optimizations.batching())
                      .build(
                          k.getBytes(StandardCharsets.UTF_8),
                          () -> ThrottleRegistry.configuration(throttle, 1)));
      long lease = ThrottleRegistry.leaseSize(throttle);
      if (lease > tokens) {
        Lease held = leases.computeIfAbsent(key, k -> new Lease());
        // One request at a time asks for a lease (others go on by themselves meanwhile): racing
        // round trips would each take a lease and drop all but one.
        if (held.claim(System.nanoTime())) {
          long taken = 0;
          try {
            taken = bucket.tryConsumeAsMuchAsPossible(lease);
          } finally {
            // Less than this request needs: the bucket is (nearly) empty, and requests wait their
            // turn in it, one round trip each, until a lease could be had again.
            held.settle(
                taken >= tokens ? taken - tokens : taken, taken < tokens, lease, System.nanoTime());
          }
          if (taken >= tokens) {
            return Permit.NOW;
          }
        }
      }
      return ThrottleRegistry.consume(bucket.asBlocking(), bucket, tokens, maxWaitNanos);
    } catch (RuntimeException e) {
      down(e);
      return null;
    }
  }

  /**
   * A token from what this JVM already took from the shared bucket, or {@code null}: no network.
   */
  Permit fromLease(String key, long tokens) {
    if (!up) {
      return null;
    }
    Lease lease = leases.get(key);
    return lease != null && lease.take(tokens, System.nanoTime()) ? Permit.NOW : null;
  }

  /**
   * Tokens taken from a shared bucket ahead of this JVM's need, so that most requests do not wait
   * for Redis. A lease is small (CONTRACT's rates stay: see {@link ThrottleRegistry#leaseSize}),
   * and what it holds is dropped a second after it was taken, so that tokens never sit in an idle
   * JVM while others wait.
   */
  static final class Lease {
    static final long LIFETIME_NANOS = 1_000_000_000L;

    static final long DRY_NANOS = ThrottleRegistry.LEASE_SPAN_NANOS;

    private long tokens;
    private long expiresAt;
    private long dryUntil = System.nanoTime();
    private boolean asking;

    synchronized boolean take(long wanted, long now) {
      if (tokens >= wanted && now - expiresAt < 0) {
        tokens -= wanted;
        return true;
      }
      return false;
    }

    /**
     * Whether this request asks the store for a lease: not while another does, nor while the bucket
     * was found empty in the last 50 ms. A request that is told yes must {@link #settle}.
     */
    synchronized boolean claim(long now) {
      if (asking || now - dryUntil < 0) {
        return false;
      }
      asking = true;
      return true;
    }

    /**
     * What the round trip took beyond its request: kept for a second, at most {@code cap} in all
     * (never more than one lease held); {@code empty}: it found the bucket without what the request
     * needed.
     */
    synchronized void settle(long surplus, boolean empty, long cap, long now) {
      asking = false;
      if (surplus > 0) {
        tokens = Math.min(cap, now - expiresAt < 0 ? tokens + surplus : surplus);
        expiresAt = now + LIFETIME_NANOS;
      }
      if (empty) {
        dryUntil = now + DRY_NANOS;
      }
    }

    synchronized long held(long now) {
      return now - expiresAt < 0 ? tokens : 0;
    }

    /** Holds nothing and nobody asks: can be forgotten. */
    synchronized boolean idle(long now) {
      return !asking && held(now) == 0 && now - dryUntil >= 0;
    }
  }

  private synchronized boolean connect() {
    try {
      if (connection == null) {
        connection = client.connect(ByteArrayCodec.INSTANCE);
        buckets =
            Bucket4jLettuce.casBasedBuilder(connection.async())
                .expirationAfterWrite(
                    ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .clientClock(WALL_CLOCK)
                .build();
      }
      if (subscription == null) {
        StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub();
        pubSub.addListener(
            new RedisPubSubAdapter<>() {
              @Override
              public void message(String channel, String message) {
                learn(message);
              }
            });
        await(pubSub.async().subscribe(PAUSE_CHANNEL));
        subscription = pubSub;
      }
      await(connection.async().ping());
      roll();
      loadPauses();
      up = true;
      return true;
    } catch (RuntimeException e) {
      up = false;
      return false;
    }
  }

  private void upkeep() {
    try {
      if (!up) {
        if (connect()) {
          Log.get()
              .info(
                  "store "
                      + uri
                      + " is reachable again; throttles that use it share its buckets again");
        }
        return;
      }
      roll();
      long now = System.nanoTime();
      // Leases of buckets no longer used (per-caller scopes, limits a reload changed).
      leases.values().removeIf(lease -> lease.idle(now));
    } catch (RuntimeException e) {
      down(e);
    }
  }

  private void down(RuntimeException e) {
    if (up) {
      up = false;
      Log.get()
          .error(
              "store "
                  + uri
                  + " cannot be reached ("
                  + e.getClass().getSimpleName()
                  + "); throttles that use it keep local buckets at 1/"
                  + fleetSize
                  + " of their rate until it is back");
    }
  }

  /** Marks this JVM as using the store, and counts those that did in the last minute. */
  private void roll() {
    RedisAsyncCommands<byte[], byte[]> redis = connection.async();
    long now = System.currentTimeMillis();
    byte[] roll = ROLL.getBytes(StandardCharsets.UTF_8);
    // Sent together, awaited in order.
    RedisFuture<Long> added = redis.zadd(roll, (double) now, jvm.getBytes(StandardCharsets.UTF_8));
    RedisFuture<Long> removed =
        redis.zremrangebyscore(roll, Range.create(0, (double) (now - 2 * ROLL_WINDOW_MILLIS)));
    RedisFuture<Boolean> expiring = redis.pexpire(roll, 4 * ROLL_WINDOW_MILLIS);
    RedisFuture<Long> counted =
        redis.zcount(
            roll, Range.create((double) (now - ROLL_WINDOW_MILLIS), Double.POSITIVE_INFINITY));
    await(added);
    await(removed);
    await(expiring);
    Long seen = await(counted);
    fleetSize = seen == null ? 1 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, seen));
  }

  /** Pauses already in force, for a JVM that (re)joins the store. */
  private void loadPauses() {
    RedisAsyncCommands<byte[], byte[]> redis = connection.async();
    ScanArgs match = ScanArgs.Builder.matches(PAUSE_PREFIX + "*").limit(200);
    KeyScanCursor<byte[]> cursor = await(redis.scan(match));
    while (true) {
      for (byte[] key : cursor.getKeys()) {
        byte[] value = await(redis.get(key));
        if (value != null) {
          String scope = new String(key, StandardCharsets.UTF_8).substring(PAUSE_PREFIX.length());
          learn(new String(value, StandardCharsets.UTF_8) + " " + scope);
        }
      }
      if (cursor.isFinished()) {
        return;
      }
      cursor = await(redis.scan(cursor, match));
    }
  }

  /**
   * A command's result, waited for as long as a command may take. The asynchronous API rather than
   * Lettuce's synchronous one, which is a reflective proxy made when first used (see {@link
   * RedisClients}): these commands run as the store connects, before the first request through it.
   */
  private static <T> T await(RedisFuture<T> command) {
    return LettuceFutures.awaitOrCancel(
        command, RedisClients.COMMAND_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** A pause this JVM learned: kept as a key until it ends, and published to the fleet. */
  private void publish(Pauses.Scope scope, long untilEpochMillis) {
    StatefulRedisConnection<byte[], byte[]> current = connection;
    long ttl = untilEpochMillis - System.currentTimeMillis();
    if (!up || current == null || ttl <= 0) {
      return;
    }
    byte[] value = Long.toString(untilEpochMillis).getBytes(StandardCharsets.UTF_8);
    current
        .async()
        .set(
            (PAUSE_PREFIX + scope.key()).getBytes(StandardCharsets.UTF_8),
            value,
            SetArgs.Builder.px(ttl));
    current
        .async()
        .publish(
            PAUSE_CHANNEL.getBytes(StandardCharsets.UTF_8),
            (untilEpochMillis + " " + scope.key()).getBytes(StandardCharsets.UTF_8));
  }

  /** {@code <until epoch millis> <scope key>}, from another JVM. */
  private void learn(String message) {
    int space = message.indexOf(' ');
    if (space <= 0) {
      return;
    }
    try {
      long until = Long.parseLong(message.substring(0, space));
      pauses.learn(new Pauses.Scope(message.substring(space + 1)), until);
    } catch (NumberFormatException e) {
      // Not a pause Warden wrote; ignore it.
    }
  }
}
