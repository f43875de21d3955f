package dev.warden.testapps;

import static dev.warden.testapps.Steps.awaitFile;
import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.touchFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.testapps.otlp.ReceivedSpan;
import dev.warden.testapps.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Throttles with {@code store: redis://} (CONTRACT section 3): JVMs started with the agent share
 * one bucket and every pause Jira asked for through a real {@code redis-server}; without Redis each
 * keeps a local bucket at its share, and goes back to the shared one when Redis returns.
 */
class FleetThrottleIT {

  static final String REDIS_PASSWORD = "redis-pw-" + java.util.UUID.randomUUID();

  @RegisterExtension static final Harness harness = new Harness();

  static String policy(String store, String throttle) {
    return """
        version: 1
        sites:
          - {id: jira, url: '{jira}', credential: bot}
        credentials:
          bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
        throttles:
          fleet: {%s, store: '%s'}
        retry: {max-elapsed: 5s}
        rules:
          - {id: reads, effect: allow, operations: [read:jira-work, unscoped], throttle: fleet}
        """
        .formatted(throttle, store);
  }

  AppLauncher app(Path policy, List<Map<String, Object>> steps) throws Exception {
    return harness
        .app(policy)
        .env("REDIS_PASSWORD", REDIS_PASSWORD)
        .args(harness.steps(steps).toString());
  }

  @Test
  void jvmsSharingAStoreShareOneBucketWhoseKeysExpire() throws Exception {
    try (RedisServer redis =
        RedisServer.start(harness.dir.resolve("redis-shared"), REDIS_PASSWORD)) {
      Path policy =
          harness.policy(
              policy(
                  "redis://:${env:REDIS_PASSWORD}@127.0.0.1:" + redis.port(),
                  "capacity: 3, refill: 3/1m, max-wait: 0s"));
      List<Map<String, Object>> three =
          List.of(
              call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
              call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
              call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"));

      AppRun first = app(policy, three).run();
      AppRun second = app(policy, three).run();

      assertThat(first.steps())
          .as(first.toString())
          .extracting(s -> s.path("status").asInt())
          .containsExactly(200, 200, 200);
      assertThat(second.steps())
          .as(second.toString())
          .extracting(s -> s.path("status").asInt())
          .containsExactly(429, 429, 429);
      assertThat(second.step(1).path("headers").path("x-warden-throttle").asText())
          .isEqualTo("fleet");
      assertThat(harness.jira.journal().matching(r -> r.path().endsWith("/issue/OPS-1")))
          .hasSize(3);
      assertThat(harness.spans(s -> "throttled".equals(s.attribute("warden.decision")), 3))
          .hasSize(3)
          .allSatisfy(s -> assertThat(s.attributes()).doesNotContainKey("warden.store"));

      String keys = redis.cli("--scan", "--pattern", "warden:bucket:*");
      // throttle, site, scope (per: site has none), and the limits: capacity, tokens, period in ms.
      assertThat(keys.lines()).containsExactly("warden:bucket:fleet:jira::3-3-60000");
      long ttl = Long.parseLong(redis.cli("PTTL", "warden:bucket:fleet:jira::3-3-60000"));
      assertThat(ttl).as("the bucket's key expires").isPositive().isLessThanOrEqualTo(80_000);
      assertThat(Long.parseLong(redis.cli("ZCARD", "warden:jvms")))
          .as("both JVMs on the roll")
          .isEqualTo(2);
      for (AppRun run : List.of(first, second)) {
        assertThat(harness.outputs(run))
            .noneSatisfy(text -> assertThat(text).contains(REDIS_PASSWORD));
      }
    }
  }

  @Test
  void aFastSharedBucketIsLeasedSoMostRequestsDoNotWaitForRedis() throws Exception {
    try (RedisServer redis =
        RedisServer.start(harness.dir.resolve("redis-lease"), REDIS_PASSWORD)) {
      // 400 a second: each round trip to Redis takes up to 20 tokens (50 ms of refill).
      Path policy =
          harness.policy(
              policy(
                  "redis://:${env:REDIS_PASSWORD}@127.0.0.1:" + redis.port(),
                  "capacity: 400, refill: 400/1s, max-wait: 1s"));
      List<Map<String, Object>> calls =
          new java.util.ArrayList<>(
              java.util.stream.IntStream.range(0, 30)
                  .mapToObj(i -> call("sync", "GET", "{jira}/rest/api/2/issue/OPS-" + (1 + i % 2)))
                  .toList());
      // Then 16 at once: one of them asks Redis for a lease at a time.
      calls.add(Steps.with(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"), "parallel", 16));
      for (String client : List.of("jdk", "jdk-async")) {
        redis.cli("CONFIG", "RESETSTAT");
        AppRun run = app(policy, calls).args("--client", client).run();
        String stats = redis.cli("INFO", "commandstats");

        assertThat(run.steps())
            .as(run.toString())
            .hasSize(46)
            .allSatisfy(step -> assertThat(step.path("status").asInt()).isEqualTo(200));
        // A bucket's round trip is a GET and, when it takes tokens, a compare-and-set script: two
        // for the store's warm-up as it opens, a few for the 30 in a row (a lease is 20 tokens),
        // and for the 16 at once at most one each (while one asks for a lease, the others go on by
        // themselves). Without leases: 48.
        assertThat(calls(stats, "eval"))
            .as(client + ": 46 requests took their tokens in fewer round trips\n" + stats)
            .isLessThanOrEqualTo(30);
        assertThat(harness.outputs(run))
            .noneSatisfy(text -> assertThat(text).contains(REDIS_PASSWORD));
      }
      assertThat(
              harness.spans(
                  s ->
                      "fleet".equals(s.attribute("warden.throttle"))
                          && "allow".equals(s.attribute("warden.decision")),
                  92))
          .as("every leased request audited with its throttle, none as decided locally")
          .hasSize(92)
          .allSatisfy(s -> assertThat(s.attributes()).doesNotContainKey("warden.store"));
    }
  }

  /** How many times Redis ran a command, from {@code INFO commandstats}. */
  static long calls(String commandStats, String command) {
    return commandStats
        .lines()
        .filter(l -> l.startsWith("cmdstat_" + command + ":calls="))
        .map(l -> l.substring(l.indexOf('=') + 1, l.indexOf(',')))
        .mapToLong(Long::parseLong)
        .findFirst()
        .orElse(0);
  }

  @Test
  void redissSpeaksTlsToTheStore() throws Exception {
    Path certs = Files.createDirectories(harness.dir.resolve("redis-tls"));
    Path trust = certs.resolve("trust.p12");
    exec(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "3650",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout",
        certs.resolve("redis.key").toString(),
        "-out",
        certs.resolve("redis.crt").toString());
    exec(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-importcert",
        "-noprompt",
        "-alias",
        "redis",
        "-file",
        certs.resolve("redis.crt").toString(),
        "-keystore",
        trust.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit");
    try (RedisServer redis =
        RedisServer.start(harness.dir.resolve("redis-tls-data"), REDIS_PASSWORD, certs)) {
      Path policy =
          harness.policy(
              policy(
                  "rediss://:${env:REDIS_PASSWORD}@localhost:" + redis.port(),
                  "capacity: 1, refill: 1/1m, max-wait: 0s"));
      AppRun run =
          app(
                  policy,
                  List.of(
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
              .javaOption("-Djavax.net.ssl.trustStore=" + trust)
              .javaOption("-Djavax.net.ssl.trustStorePassword=changeit")
              .run();

      assertThat(run.steps())
          .as(run.toString())
          .extracting(s -> s.path("status").asInt())
          .containsExactly(200, 429);
      assertThat(run.wardenLog()).noneSatisfy(l -> assertThat(l).contains("cannot be reached"));
      assertThat(redis.cli("--scan", "--pattern", "warden:bucket:*").lines())
          .containsExactly("warden:bucket:fleet:jira::1-1-60000");
      assertThat(harness.outputs(run))
          .noneSatisfy(text -> assertThat(text).contains(REDIS_PASSWORD));
    }
  }

  static void exec(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
  }

  @Test
  void onePauseJiraAskedOfOneJvmPausesTheFleet() throws Exception {
    try (RedisServer redis = RedisServer.start(harness.dir.resolve("redis-pause"), null)) {
      Path policy =
          harness.policy(
              policy("redis://127.0.0.1:" + redis.port(), "capacity: 100, refill: 100/1s"));
      Path ready = harness.dir.resolve("b-ready");
      Path limited = harness.dir.resolve("a-limited");
      // Jira refuses A's read with a quota reset 30 s away: past retry's max-elapsed, so the site
      // pauses.
      harness.jira.failNext(
          "GET",
          "/issue/OPS-7",
          429,
          Map.of(
              "X-RateLimit-Reset",
              java.time.Instant.now().plusSeconds(30).toString(),
              "RateLimit-Reason",
              "jira-quota-global-based"),
          "<html><body>Too many requests</body></html>");

      AppLauncher.Running b =
          app(
                  policy,
                  List.of(
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      touchFile(ready.toString()),
                      awaitFile(limited.toString()),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
              .start();
      AppLauncher.Running a =
          app(
                  policy,
                  List.of(
                      awaitFile(ready.toString()),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-7"),
                      touchFile(limited.toString())))
              .start();
      AppRun aRun = a.await();
      AppRun bRun = b.await();
      // A JVM that joins later learns the pause from the store.
      AppRun cRun =
          app(policy, List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-2"))).run();

      assertThat(aRun.step(2).path("status").asInt()).as(aRun.toString()).isEqualTo(429);
      assertThat(bRun.step(1).path("status").asInt()).as(bRun.toString()).isEqualTo(200);
      for (JsonNode paused : List.of(bRun.step(4), cRun.step(1))) {
        assertThat(paused.path("status").asInt()).as(bRun + "\n" + cRun).isEqualTo(429);
        assertThat(paused.path("headers").path("x-warden-decision").asText())
            .isEqualTo("throttled");
        assertThat(paused.path("body").asText()).contains("Jira asked to pause");
      }
      assertThat(harness.jira.journal().all())
          .extracting(r -> r.path())
          .containsExactlyInAnyOrder("/rest/api/2/issue/OPS-1", "/rest/api/2/issue/OPS-7");
      assertThat(redis.cli("--scan", "--pattern", "warden:pause:*").lines())
          .containsExactly("warden:pause:site|jira");
    }
  }

  @Test
  void unreachableStoreMeansALocalBucketAtThisJvmsShareUntilItIsBack() throws Exception {
    Path dir = harness.dir.resolve("redis-down");
    RedisServer redis = RedisServer.start(dir, null);
    redis.stop();
    try (redis) {
      Path policy =
          harness.policy(
              policy(
                  "redis://127.0.0.1:" + redis.port(), "capacity: 2, refill: 2/1m, max-wait: 0s"));
      Path down = harness.dir.resolve("seen-down");
      Path up = harness.dir.resolve("redis-up");
      AppLauncher.Running app =
          app(
                  policy,
                  List.of(
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      touchFile(down.toString()),
                      awaitFile(up.toString()),
                      Steps.with(new java.util.LinkedHashMap<>(), "sleep", 3000),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
              .env("OTEL_METRIC_EXPORT_INTERVAL", "300")
              .start();
      long deadline = System.currentTimeMillis() + 60_000;
      while (!Files.exists(down) && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      redis.start();
      Files.createFile(up);
      AppRun run = app.await();

      assertThat(run.steps())
          .as(run.toString())
          .extracting(s -> s.path("status").asInt())
          .containsExactly(200, 200, 429, 200);
      List<ReceivedSpan> spans =
          harness.spans(s -> s.name().startsWith("GET /rest/api/2/issue"), 4);
      assertThat(spans).hasSize(4);
      assertThat(spans).filteredOn(s -> "local".equals(s.attribute("warden.store"))).hasSize(3);
      assertThat(spans)
          .filteredOn(s -> s.attribute("warden.store") == null)
          .singleElement()
          .satisfies(s -> assertThat(s.attributes()).containsEntry("warden.decision", "allow"));
      assertThat(run.wardenLog())
          .filteredOn(l -> l.contains("cannot be reached"))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .contains("redis://127.0.0.1:" + redis.port())
                      .contains("local buckets"));
      assertThat(run.wardenLog()).filteredOn(l -> l.contains("reachable again")).hasSize(1);
      assertThat(redis.cli("--scan", "--pattern", "warden:bucket:*").lines())
          .containsExactly("warden:bucket:fleet:jira::2-2-60000");
      List<Double> shared =
          harness.otlp.points().stream()
              .filter(p -> p.name().equals("warden.store.shared"))
              .filter(p -> "fleet".equals(p.attribute("warden.throttle")))
              .map(p -> p.value())
              .toList();
      assertThat(shared).as("the store's state as metrics saw it").contains(0.0);
      assertThat(shared.get(shared.size() - 1)).as("back at the end").isEqualTo(1.0);
    }
  }
}
