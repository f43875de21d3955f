package dev.warden.agent.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.Throttle;
import dev.warden.policy.Words.Per;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottleRegistryTest {

  final AtomicLong nanos = new AtomicLong();
  final ThrottleRegistry registry =
      new ThrottleRegistry(
          new TimeMeter() {
            @Override
            public long currentTimeNanos() {
              return nanos.get();
            }

            @Override
            public boolean isWallClockBased() {
              return false;
            }
          });

  static Throttle throttle(long capacity, long tokens, Duration period, Duration maxWait, Per per) {
    return new Throttle(
        "t",
        capacity,
        tokens,
        period,
        maxWait,
        per,
        Optional.empty(),
        dev.warden.policy.yaml.Mark.NONE);
  }

  @Test
  void grantsCapacityAtOnceThenReservesWithinMaxWaitThenRefuses() {
    Throttle t = throttle(2, 1, Duration.ofSeconds(1), Duration.ofMillis(1500), Per.SITE);
    assertThat(registry.acquire(t, "s", "C", "r")).isEqualTo(Permit.NOW);
    assertThat(registry.acquire(t, "s", "C", "r")).isEqualTo(Permit.NOW);
    Permit waiting = registry.acquire(t, "s", "C", "r");
    assertThat(waiting.granted()).isTrue();
    assertThat(waiting.waitNanos()).isEqualTo(1_000_000_000L);
    Permit refused = registry.acquire(t, "s", "C", "r");
    assertThat(refused.granted()).isFalse();
    assertThat(refused.retryAfterNanos()).isEqualTo(2_000_000_000L);
  }

  @Test
  void refillsAsTimePasses() {
    Throttle t = throttle(1, 10, Duration.ofSeconds(1), Duration.ZERO, Per.SITE);
    assertThat(registry.acquire(t, "s", null, "r").granted()).isTrue();
    assertThat(registry.acquire(t, "s", null, "r").granted()).isFalse();
    nanos.addAndGet(100_000_000L);
    assertThat(registry.acquire(t, "s", null, "r").granted()).isTrue();
  }

  @Test
  void perDecidesWhatSharesABucket() {
    Throttle perSite = throttle(1, 1, Duration.ofMinutes(1), Duration.ZERO, Per.SITE);
    assertThat(registry.acquire(perSite, "a", "X", "r").granted()).isTrue();
    assertThat(registry.acquire(perSite, "a", "Y", "r").granted()).isFalse();
    assertThat(registry.acquire(perSite, "b", "X", "r").granted()).isTrue();

    Throttle perCaller =
        new Throttle(
            "pc",
            1,
            1,
            Duration.ofMinutes(1),
            Duration.ZERO,
            Per.CALLER,
            Optional.empty(),
            dev.warden.policy.yaml.Mark.NONE);
    assertThat(registry.acquire(perCaller, "a", "X", "r").granted()).isTrue();
    assertThat(registry.acquire(perCaller, "a", "Y", "r").granted()).isTrue();
    assertThat(registry.acquire(perCaller, "a", "X", "r").granted()).isFalse();

    Throttle perRule =
        new Throttle(
            "pr",
            1,
            1,
            Duration.ofMinutes(1),
            Duration.ZERO,
            Per.RULE,
            Optional.empty(),
            dev.warden.policy.yaml.Mark.NONE);
    assertThat(registry.acquire(perRule, "a", "X", "r1").granted()).isTrue();
    assertThat(registry.acquire(perRule, "a", "X", "r2").granted()).isTrue();
    assertThat(registry.acquire(perRule, "a", "Y", "r1").granted()).isFalse();
  }

  @Test
  void aReloadKeepsABucketWhoseLimitsStayAndReplacesOneWhoseLimitsChange() {
    Throttle before = throttle(1, 1, Duration.ofMinutes(1), Duration.ZERO, Per.SITE);
    assertThat(registry.acquire(before, "s", null, "r").granted()).isTrue();
    Throttle sameLimitsOtherWait = throttle(1, 1, Duration.ofMinutes(1), Duration.ZERO, Per.SITE);
    assertThat(registry.acquire(sameLimitsOtherWait, "s", null, "r").granted()).isFalse();
    Throttle bigger = throttle(5, 1, Duration.ofMinutes(1), Duration.ZERO, Per.SITE);
    assertThat(registry.acquire(bigger, "s", null, "r").granted()).isTrue();
  }

  @Test
  void aJvmsShareOfAThrottleIsItsRateAndCapacityOverTheFleet() {
    Throttle t = throttle(100, 100, Duration.ofMinutes(1), Duration.ZERO, Per.SITE);
    io.github.bucket4j.Bandwidth whole = ThrottleRegistry.configuration(t, 1).getBandwidths()[0];
    io.github.bucket4j.Bandwidth quarter = ThrottleRegistry.configuration(t, 4).getBandwidths()[0];
    assertThat(whole.getCapacity()).isEqualTo(100);
    assertThat(quarter.getCapacity()).isEqualTo(25);
    // 100 a minute over four JVMs: 100 every four minutes each.
    assertThat(quarter.getRefillTokens()).isEqualTo(100);
    assertThat(quarter.getRefillPeriodNanos()).isEqualTo(Duration.ofMinutes(4).toNanos());
    assertThat(
            ThrottleRegistry.configuration(
                    throttle(2, 2, Duration.ofSeconds(1), Duration.ZERO, Per.SITE), 8)
                .getBandwidths()[0]
                .getCapacity())
        .as("never below one token")
        .isEqualTo(1);
  }

  @Test
  void aSharedBucketIsLeasedFiftyMillisecondsOfRefillAtATimeAndNeverMoreThanAHundredTokens() {
    assertThat(
            ThrottleRegistry.leaseSize(
                throttle(1, 10, Duration.ofSeconds(1), Duration.ZERO, Per.SITE)))
        .as("10/s: no lease, every request asks the store")
        .isEqualTo(1);
    assertThat(
            ThrottleRegistry.leaseSize(
                throttle(1, 1, Duration.ofMinutes(1), Duration.ZERO, Per.SITE)))
        .isEqualTo(1);
    assertThat(
            ThrottleRegistry.leaseSize(
                throttle(100, 100, Duration.ofSeconds(1), Duration.ZERO, Per.SITE)))
        .isEqualTo(5);
    assertThat(
            ThrottleRegistry.leaseSize(
                throttle(1000, 6000, Duration.ofMinutes(1), Duration.ZERO, Per.SITE)))
        .isEqualTo(5);
    assertThat(
            ThrottleRegistry.leaseSize(
                throttle(100_000, 100_000, Duration.ofSeconds(1), Duration.ZERO, Per.SITE)))
        .isEqualTo(ThrottleRegistry.MAX_LEASE);
  }

  @Test
  void aLeaseServesWhatItHoldsForASecondAndIsAskedForByOneRequestAtATime() {
    RedisStore.Lease lease = new RedisStore.Lease();
    long t0 = System.nanoTime();
    assertThat(lease.take(1, t0)).as("empty").isFalse();
    assertThat(lease.claim(t0)).isTrue();
    assertThat(lease.claim(t0)).as("another request is asking").isFalse();
    lease.settle(3, false, 10, t0);
    assertThat(lease.take(2, t0 + 1)).isTrue();
    assertThat(lease.take(2, t0 + 2)).as("one left, two wanted (slowed)").isFalse();
    assertThat(lease.take(1, t0 + 3)).isTrue();
    assertThat(lease.take(1, t0 + 4)).isFalse();

    assertThat(lease.claim(t0 + 10)).isTrue();
    lease.settle(5, false, 8, t0 + 10);
    assertThat(lease.claim(t0 + 20)).isTrue();
    lease.settle(5, false, 8, t0 + 20);
    assertThat(lease.held(t0 + 30)).as("never more than one lease held").isEqualTo(8);
    assertThat(lease.held(t0 + 20 + RedisStore.Lease.LIFETIME_NANOS))
        .as("dropped a second after the last was taken")
        .isZero();
    assertThat(lease.take(1, t0 + 20 + RedisStore.Lease.LIFETIME_NANOS)).isFalse();

    long t1 = t0 + 5 * RedisStore.Lease.LIFETIME_NANOS;
    assertThat(lease.claim(t1)).isTrue();
    lease.settle(4, false, 10, t1);
    long half = t1 + RedisStore.Lease.LIFETIME_NANOS / 2;
    assertThat(lease.claim(half)).isTrue();
    lease.settle(0, true, 10, half);
    assertThat(lease.held(half)).isEqualTo(4);
    assertThat(lease.held(t1 + RedisStore.Lease.LIFETIME_NANOS))
        .as("a round trip that took nothing does not keep older tokens longer")
        .isZero();
    assertThat(lease.claim(half + 1)).as("the bucket was empty just now").isFalse();
    assertThat(lease.idle(half + 1)).isFalse();
    assertThat(lease.claim(half + RedisStore.Lease.DRY_NANOS)).isTrue();
    assertThat(lease.idle(half + RedisStore.Lease.DRY_NANOS)).as("someone is asking").isFalse();
    lease.settle(0, false, 10, half + RedisStore.Lease.DRY_NANOS);
    assertThat(lease.idle(t1 + 2 * RedisStore.Lease.LIFETIME_NANOS)).isTrue();
  }

  @Test
  void aStoreThatCannotBeReachedMeansALocalBucketMarkedAsSuch() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Throttle shared =
        new Throttle(
            "fleet",
            1,
            1,
            Duration.ofMinutes(1),
            Duration.ZERO,
            Per.SITE,
            Optional.of(dev.warden.policy.StoreUri.parse("redis://127.0.0.1:" + port)),
            dev.warden.policy.yaml.Mark.NONE);
    String log =
        logOf(
            () -> {
              Permit first = registry.acquire(shared, "s", "C", "r");
              assertThat(first.granted()).isTrue();
              assertThat(first.local()).isTrue();
              assertThat(registry.acquire(shared, "s", "C", "r").granted()).isFalse();
            });
    assertThat(log)
        .contains(
            "cannot be reached; throttles that use it keep local buckets at this JVM's share");
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().equals("warden-store-upkeep"))
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
  }

  @Test
  void nearLimitMakesRequestsTakeTwoTokensUntilItEnds() {
    Throttle t = throttle(4, 1, Duration.ofHours(1), Duration.ZERO, Per.SITE);
    registry.slow("s", System.currentTimeMillis() + 60_000);
    assertThat(registry.acquire(t, "s", "C", "r").granted()).isTrue();
    assertThat(registry.acquire(t, "s", "C", "r").granted()).isTrue();
    assertThat(registry.acquire(t, "s", "C", "r").granted()).as("four tokens, two each").isFalse();
    assertThat(registry.acquire(t, "other", "C", "r").granted())
        .as("another site is not slowed")
        .isTrue();
  }

  // The edges below were written against the mutants PIT left alive (mvn -Ppit).

  @Test
  void aSlowdownEndsExactlyWhenJiraSaidAndOnlyForABucketThatCanTakeTwo() {
    AtomicLong epoch = new AtomicLong(1_000_000);
    ThrottleRegistry timed =
        new ThrottleRegistry(
            new TimeMeter() {
              @Override
              public long currentTimeNanos() {
                return nanos.get();
              }

              @Override
              public boolean isWallClockBased() {
                return false;
              }
            },
            epoch::get,
            dev.warden.policy.secret.SecretResolver.system());
    Throttle four = throttle(4, 1, Duration.ofHours(1), Duration.ZERO, Per.SITE);
    timed.slow("s", epoch.get() + 1_000);
    timed.slow("s", epoch.get() + 500);
    assertThat(timed.acquire(four, "s", "C", "r").granted()).isTrue();
    epoch.addAndGet(999);
    assertThat(timed.acquire(four, "s", "C", "r").granted()).isTrue();
    assertThat(timed.acquire(four, "s", "C", "r").granted())
        .as("still slowed a millisecond before the end: two tokens each")
        .isFalse();
    epoch.addAndGet(1);
    Throttle four2 =
        new Throttle(
            "u",
            4,
            1,
            Duration.ofHours(1),
            Duration.ZERO,
            Per.SITE,
            Optional.empty(),
            dev.warden.policy.yaml.Mark.NONE);
    for (int i = 0; i < 4; i++) {
      assertThat(timed.acquire(four2, "s", "C", "r").granted()).as("one token each again").isTrue();
    }
    Throttle one =
        new Throttle(
            "v",
            1,
            1,
            Duration.ofHours(1),
            Duration.ZERO,
            Per.SITE,
            Optional.empty(),
            dev.warden.policy.yaml.Mark.NONE);
    timed.slow("s", epoch.get() + 60_000);
    assertThat(timed.acquire(one, "s", "C", "r").granted())
        .as("a bucket of one token cannot take two: it is not slowed")
        .isTrue();
  }

  @Test
  void aThrottleWithoutAStoreHasNoLeaseAndNoStoreState() {
    Throttle t = throttle(2, 1, Duration.ofSeconds(1), Duration.ZERO, Per.SITE);
    assertThat(registry.acquireLeased(t, "s", "C", "r")).isNull();
    assertThat(registry.storeExecutor()).isNotNull();
  }

  /** Runs {@code body} with Warden's log captured; what it wrote. */
  static String logOf(ThrowingRunnable body) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    dev.warden.agent.log.Log previous = dev.warden.agent.log.Log.get();
    dev.warden.agent.log.Log.set(
        new dev.warden.agent.log.Log(
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
            dev.warden.agent.log.Level.DEBUG,
            System::nanoTime));
    try {
      body.run();
    } finally {
      dev.warden.agent.log.Log.set(previous);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void aSlowdownJiraExtendsLastsToItsLaterEnd() {
    AtomicLong epoch = new AtomicLong(1_000_000);
    ThrottleRegistry timed =
        new ThrottleRegistry(
            new TimeMeter() {
              @Override
              public long currentTimeNanos() {
                return nanos.get();
              }

              @Override
              public boolean isWallClockBased() {
                return false;
              }
            },
            epoch::get,
            dev.warden.policy.secret.SecretResolver.system());
    Throttle four = throttle(4, 1, Duration.ofHours(1), Duration.ZERO, Per.SITE);
    timed.slow("s", epoch.get() + 500);
    timed.slow("s", epoch.get() + 1_000);
    epoch.addAndGet(700);
    assertThat(timed.acquire(four, "s", "C", "r").granted()).isTrue();
    assertThat(timed.acquire(four, "s", "C", "r").granted()).isTrue();
    assertThat(timed.acquire(four, "s", "C", "r").granted())
        .as("slowed until the later end: two tokens each")
        .isFalse();
  }

  @Test
  void aSlowdownOfOneSiteLeavesEveryOtherAtOneTokenARequest() {
    registry.slow("s", System.currentTimeMillis() + 60_000);
    Throttle four = throttle(4, 1, Duration.ofHours(1), Duration.ZERO, Per.SITE);
    for (int i = 0; i < 4; i++) {
      assertThat(registry.acquire(four, "other", "C", "r").granted()).as("request %d", i).isTrue();
    }
    assertThat(registry.acquire(four, "other", "C", "r").granted()).isFalse();
  }

  @Test
  void aStoreWhosePasswordCannotBeReadIsLocalSaysWhyAndCountsAsOpen() throws Exception {
    ThrottleRegistry noSecrets =
        new ThrottleRegistry(
            TimeMeter.SYSTEM_MILLISECONDS,
            System::currentTimeMillis,
            new dev.warden.policy.secret.SecretResolver(name -> null));
    dev.warden.policy.Policy policy =
        dev.warden.policy.PolicyLoader.bundled()
            .parse(
                """
                version: 1
                sites:
                  - {id: s, url: 'https://acme.atlassian.net', credential: c}
                credentials:
                  c: {type: bearer, token: '${env:T}'}
                throttles:
                  locked: {capacity: 1, refill: 1/1h, store: 'redis://:${env:WARDEN_NO_SUCH_PASSWORD}@127.0.0.1:1'}
                rules:
                  - {id: r, effect: allow, operations: [getIssue], throttle: locked}
                """,
                "locked.yaml")
            .policy()
            .orElseThrow();
    Throttle locked = policy.throttles().get("locked");
    String log =
        logOf(
            () -> {
              Permit permit = noSecrets.acquire(locked, "s", "C", "r");
              assertThat(permit.granted()).isTrue();
              assertThat(permit.local()).isTrue();
              assertThat(noSecrets.acquire(locked, "s", "C", "r").granted())
                  .as("a local bucket of one")
                  .isFalse();
            });
    assertThat(log)
        .contains("its password is unavailable")
        .contains("keep local buckets at this JVM's share of the rate");
    assertThat(noSecrets.storesOpen(policy)).as("opened: it is of no use").isTrue();
    assertThat(noSecrets.storesOpen(policy)).as("and stays so").isTrue();
    java.util.Map<String, Boolean> states = new java.util.LinkedHashMap<>();
    noSecrets.storeStates(policy, states::put);
    assertThat(states).containsEntry("locked", false);
  }

  @Test
  void theSharedBucketsClockIsTheWallClockInNanoseconds() {
    long before = System.currentTimeMillis();
    long nanos = RedisStore.WALL_CLOCK.currentTimeNanos();
    long after = System.currentTimeMillis();
    assertThat(nanos / 1_000_000).isBetween(before, after);
    assertThat(RedisStore.WALL_CLOCK.isWallClockBased()).isTrue();
  }

  @Test
  void aLeaseIsForgottenOnlyOnceItHoldsNothingAndItsDryPauseIsOver() {
    long t = 1_000_000_000_000L;
    RedisStore.Lease lease = new RedisStore.Lease();
    lease.settle(0, true, 10, t);
    assertThat(lease.idle(t + RedisStore.Lease.DRY_NANOS - 1)).as("still dry").isFalse();
    assertThat(lease.idle(t + RedisStore.Lease.DRY_NANOS)).isTrue();

    RedisStore.Lease held = new RedisStore.Lease();
    held.settle(5, false, 10, t);
    assertThat(held.held(t)).isEqualTo(5);
    // A round trip that took nothing beyond its request leaves what is held as it was.
    held.settle(0, false, 10, t + RedisStore.Lease.LIFETIME_NANOS - 1);
    assertThat(held.held(t + RedisStore.Lease.LIFETIME_NANOS)).as("expired on time").isZero();
  }

  @Test
  void theStoresAreOpenOnlyOnceOpened() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    dev.warden.policy.Policy policy =
        dev.warden.policy.PolicyLoader.bundled()
            .parse(
                """
                version: 1
                sites:
                  - {id: s, url: 'https://acme.atlassian.net', credential: c}
                credentials:
                  c: {type: bearer, token: '${env:T}'}
                throttles:
                  fleet: {capacity: 4, refill: 4/1h, store: 'redis://127.0.0.1:%d'}
                rules:
                  - {id: r, effect: allow, operations: [getIssue], throttle: fleet}
                """
                    .formatted(port),
                "fleet.yaml")
            .policy()
            .orElseThrow();
    assertThat(registry.storesOpen(policy)).as("not opened yet").isFalse();
    registry.openStores(policy);
    assertThat(registry.storesOpen(policy)).as("opened, though unreachable").isTrue();
    // Slowed, a bucket of four takes two tokens a request, also a store's local share.
    registry.slow("s", System.currentTimeMillis() + 60_000);
    Throttle fleet = policy.throttles().get("fleet");
    assertThat(registry.acquire(fleet, "s", "C", "r").granted()).isTrue();
    assertThat(registry.acquire(fleet, "s", "C", "r").granted()).isTrue();
    assertThat(registry.acquire(fleet, "s", "C", "r").granted()).isFalse();
  }

  @Test
  void storeWorkRunsOnDaemonThreadsOfItsOwn() throws Exception {
    java.util.concurrent.CompletableFuture<Thread> ran =
        new java.util.concurrent.CompletableFuture<>();
    registry
        .storeExecutor(throttle(1, 1, Duration.ofSeconds(1), Duration.ZERO, Per.SITE))
        .execute(() -> ran.complete(Thread.currentThread()));
    Thread thread = ran.get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(thread.getName()).isEqualTo("warden-store");
    assertThat(thread.isDaemon()).isTrue();
  }

  @Test
  void aResetIsReadForEachTextNotTakenFromTheLastOne() {
    long first = RateLimitSignal.resetEpochMillis("2026-01-01T00:00Z");
    long second = RateLimitSignal.resetEpochMillis("2026-01-02T00:00Z");
    assertThat(second - first).isEqualTo(86_400_000L);
    assertThat(RateLimitSignal.resetEpochMillis("2026-01-02T00:00Z")).isEqualTo(second);
  }
}
