package dev.warden.agent.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.StoreUri;
import dev.warden.policy.Throttle;
import dev.warden.policy.Words.Per;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's shared store with a real Redis (Debian's {@code redis-server}, which {@code .ci/run}
 * installs), two registries standing for two JVMs: one bucket between them, Jira's pauses told to
 * each other and to a JVM that starts later, and the local fallback while Redis is away and back.
 */
class FleetStoreTest {

  @TempDir static Path dir;
  static int port;
  static Process redis;

  @BeforeAll
  static void startRedis() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    start();
  }

  @AfterAll
  static void stopRedis() {
    stop();
  }

  static void start() throws Exception {
    String binary =
        Optional.ofNullable(System.getenv("WARDEN_REDIS_SERVER")).orElse("redis-server");
    try {
      redis =
          new ProcessBuilder(
                  binary,
                  "--bind",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(port),
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run " + binary + ": install Debian's redis-server, as .ci/run does", e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException(
        "redis-server did not listen: " + Files.readString(dir.resolve("redis.log")));
  }

  static void stop() {
    if (redis != null) {
      redis.destroy();
      try {
        redis.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static Throttle shared(String name, long capacity, Duration period) {
    return new Throttle(
        name,
        capacity,
        capacity,
        period,
        Duration.ZERO,
        Per.SITE,
        Optional.of(StoreUri.parse("redis://127.0.0.1:" + port)),
        dev.warden.policy.yaml.Mark.NONE);
  }

  static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }

  @Test
  void twoJvmsShareOneBucketThroughTheStore() {
    ThrottleRegistry a = new ThrottleRegistry();
    ThrottleRegistry b = new ThrottleRegistry();
    Throttle fleet = shared("fleet-" + System.nanoTime(), 6, Duration.ofHours(1));
    int granted = 0;
    for (int i = 0; i < 10; i++) {
      for (ThrottleRegistry jvm : List.of(a, b)) {
        Permit permit = jvm.acquire(fleet, "s", "C", "r");
        assertThat(permit.local()).as("served by the store").isFalse();
        granted += permit.granted() ? 1 : 0;
      }
    }
    assertThat(granted).as("six tokens between the two").isEqualTo(6);
    assertThat(a.acquire(fleet, "other-site", "C", "r").granted())
        .as("another site has its own shared bucket")
        .isTrue();
    assertThat(a.acquireLeased(fleet, "other-site", "C", "r"))
        .as("a bucket of six an hour is not leased ahead")
        .isNull();
    Map<String, Boolean> states = new LinkedHashMap<>();
    a.storeStates(policyOf(fleet), states::put);
    assertThat(states).containsEntry(fleet.name(), true);
  }

  @Test
  void aPauseOneJvmLearnsReachesTheOtherAndOneThatStartsLater() throws Exception {
    ThrottleRegistry a = new ThrottleRegistry();
    ThrottleRegistry b = new ThrottleRegistry();
    Throttle fleet = shared("pauses-" + System.nanoTime(), 100, Duration.ofSeconds(1));
    a.openStores(policyOf(fleet));
    b.openStores(policyOf(fleet));
    assertThat(a.storesOpen(policyOf(fleet))).isTrue();
    long until = System.currentTimeMillis() + 20_000;
    a.pauses().pause(Pauses.Scope.site("s"), until);
    assertThat(eventually(() -> b.pauses().pausedUntil("s", "GET", "/x", null) == until))
        .as("told through the store")
        .isTrue();
    ThrottleRegistry later = new ThrottleRegistry();
    later.openStores(policyOf(fleet));
    assertThat(eventually(() -> later.pauses().pausedUntil("s", "GET", "/x", null) == until))
        .as("a JVM that starts later learns the pauses in force")
        .isTrue();
    assertThat(later.pauses().pausedUntil("other", "GET", "/x", null)).isZero();
  }

  @Test
  void whileTheStoreIsAwayBucketsAreLocalAndMarkedThenSharedAgain() throws Exception {
    ThrottleRegistry a = new ThrottleRegistry();
    Throttle fleet = shared("away-" + System.nanoTime(), 1000, Duration.ofSeconds(1));
    assertThat(a.acquire(fleet, "s", "C", "r").local()).isFalse();
    stop();
    try {
      assertThat(eventually(() -> a.acquire(fleet, "s", "C", "r").local()))
          .as("local while Redis is away")
          .isTrue();
      Map<String, Boolean> states = new LinkedHashMap<>();
      a.storeStates(policyOf(fleet), states::put);
      assertThat(states).containsEntry(fleet.name(), false);
    } finally {
      start();
    }
    assertThat(eventually(() -> !a.acquire(fleet, "s", "C", "r").local()))
        .as("shared again once Redis is back")
        .isTrue();
    Map<String, Boolean> states = new LinkedHashMap<>();
    a.storeStates(policyOf(fleet), states::put);
    assertThat(states).containsEntry(fleet.name(), true);
  }

  /** A throttle on a Redis database of its own, so that no other test's JVMs count in its fleet. */
  static Throttle onDatabase(String name, long capacity, long tokens, Duration period, int db) {
    return new Throttle(
        name + "-" + System.nanoTime(),
        capacity,
        tokens,
        period,
        Duration.ZERO,
        Per.SITE,
        Optional.of(StoreUri.parse("redis://127.0.0.1:" + port + "/" + db)),
        dev.warden.policy.yaml.Mark.NONE);
  }

  @Test
  void whileTheStoreIsAwayEachJvmTakesItsShareOfTheFleetItLastSaw() throws Exception {
    Throttle fleet = onDatabase("share", 100, 100, Duration.ofHours(1), 3);
    // Three tokens over two JVMs: a local share of one, which a slowed request may not halve.
    Throttle tiny = onDatabase("tiny", 3, 3, Duration.ofHours(1), 3);
    ThrottleRegistry a = new ThrottleRegistry();
    ThrottleRegistry b = new ThrottleRegistry();
    StringBuilder granted = new StringBuilder();
    java.util.concurrent.atomic.AtomicReference<Permit> tinyAway =
        new java.util.concurrent.atomic.AtomicReference<>();
    String log =
        ThrottleRegistryTest.logOf(
            () -> {
              assertThat(a.acquire(fleet, "s", "C", "r").local()).isFalse();
              assertThat(b.acquire(fleet, "s", "C", "r").local()).isFalse();
              // Each store counts the JVMs that used it in the last minute, once a second.
              Thread.sleep(2_500);
              a.slow("t", System.currentTimeMillis() + 60_000);
              stop();
              try {
                assertThat(eventually(() -> a.acquire(fleet, "s", "C", "r").local())).isTrue();
                int local = 1;
                while (a.acquire(fleet, "s", "C", "r").granted()) {
                  local++;
                }
                granted.append(local);
                tinyAway.set(a.acquire(tiny, "t", "C", "r"));
              } finally {
                start();
              }
              assertThat(eventually(() -> !a.acquire(fleet, "s", "C", "r").local()))
                  .as("shared again once Redis is back")
                  .isTrue();
            });
    assertThat(granted.toString()).as("a local bucket of 100 / 2 JVMs").isEqualTo("50");
    assertThat(tinyAway.get().local()).isTrue();
    assertThat(tinyAway.get().granted())
        .as("slowed, but a share of one token cannot take two: one token")
        .isTrue();
    assertThat(log)
        .contains("cannot be reached (")
        .contains("keep local buckets at 1/2 of their rate until it is back")
        .contains("is reachable again; throttles that use it share its buckets again")
        .doesNotContain("cannot be reached; throttles");
  }

  @Test
  void aRoundTripLeasesWhatItsRequestDoesNotUseForTheNextOnesWithoutTheStore() {
    // 1000 a second: a lease is 50 ms of refill, 50 tokens, of a bucket that holds 40.
    Throttle fast = onDatabase("lease", 40, 1000, Duration.ofSeconds(1), 4);
    ThrottleRegistry a = new ThrottleRegistry();
    Permit first = a.acquire(fast, "s", "C", "r");
    assertThat(first.granted()).isTrue();
    assertThat(first.local()).isFalse();
    int leased = 0;
    Permit next;
    while ((next = a.acquireLeased(fast, "s", "C", "r")) != null) {
      assertThat(next.granted()).isTrue();
      leased++;
    }
    assertThat(leased).as("the 39 tokens the first request took beyond its own").isEqualTo(39);
    ThrottleRegistry b = new ThrottleRegistry();
    assertThat(b.acquireLeased(fast, "s", "C", "r")).as("another JVM holds no lease").isNull();
  }

  static dev.warden.policy.Policy policyOf(Throttle throttle) {
    return dev.warden.policy.PolicyLoader.bundled()
        .parse(
            """
            version: 1
            sites:
              - {id: s, url: 'https://acme.atlassian.net', credential: c}
            credentials:
              c: {type: bearer, token: '${env:T}'}
            throttles:
              %s: {capacity: %d, refill: %d/1s, store: '%s'}
            rules:
              - {id: r, effect: allow, operations: [getIssue], throttle: %s}
            """
                .formatted(
                    throttle.name(),
                    throttle.capacity(),
                    throttle.capacity(),
                    throttle.store().get(),
                    throttle.name()),
            "fleet.yaml")
        .policy()
        .orElseThrow();
  }
}
