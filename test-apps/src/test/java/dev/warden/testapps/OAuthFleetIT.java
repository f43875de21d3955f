package dev.warden.testapps;

import static dev.warden.testapps.Steps.awaitFile;
import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.touchFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.testapps.fakejira.FakeOAuth;
import dev.warden.testapps.fakejira.Received;
import dev.warden.testapps.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An {@code oauth2-refresh} credential whose token state a fleet keeps in Redis (CONTRACT section
 * 3, {@code store}): JVMs take turns refreshing under the store's lock and none presents a refresh
 * token another has rotated; a JVM dying between a refresh and its write-back costs nothing; the
 * store going away leaves the cached token until it expires, then 503s, then recovery; a refused
 * refresh token stops the fleet until a new consent arrives, which an old seed never overrides.
 */
class OAuthFleetIT {

  static final String CLIENT_SECRET = "client-secret-" + java.util.UUID.randomUUID();
  static final String REDIS_PASSWORD = "redis-pw-" + java.util.UUID.randomUUID();

  /**
   * How long the four JVMs run: {@code -Dwarden.it.oauth-fleet-seconds}, sixty seconds by default.
   */
  static final int FLEET_SECONDS = Integer.getInteger("warden.it.oauth-fleet-seconds", 60);

  @RegisterExtension static final Harness harness = new Harness();

  Path policy(RedisServer redis, String extra) throws Exception {
    return harness.policy(
        """
        version: 1
        sites:
          - {id: jira, url: '{jira}', credential: jira-app}
        credentials:
          jira-app:
            type: oauth2-refresh
            token-url: {oauth}
            client-id: warden-fleet
            client-secret: ${env:OAUTH_CLIENT_SECRET}
            refresh-token: ${env:OAUTH_REFRESH_TOKEN}
            store: redis://:${env:REDIS_PASSWORD}@127.0.0.1:%d
        %s
        rules:
          - {id: reads, effect: allow, operations: [read:jira-work, read:jira-user, unscoped]%s}
        """
            .formatted(
                redis.port(),
                extra.isEmpty() ? "" : extra.indent(0).stripTrailing(),
                extra.isEmpty() ? "" : ", throttle: pace"));
  }

  AppLauncher app(Path policy, String seed) {
    return harness
        .app(policy)
        .agentArgument("log.level", "debug")
        .env("OAUTH_CLIENT_SECRET", CLIENT_SECRET)
        .env("OAUTH_REFRESH_TOKEN", seed)
        .env("REDIS_PASSWORD", REDIS_PASSWORD);
  }

  AppLauncher steps(Path policy, String seed, List<Map<String, Object>> steps) throws Exception {
    return app(policy, seed).args(harness.steps(steps).toString());
  }

  FakeOAuth oauth(long accessSeconds) {
    return harness
        .oauth
        .client("warden-fleet", CLIENT_SECRET)
        .accessTokenSeconds(accessSeconds)
        .graceMillis(10 * 60_000);
  }

  List<FakeOAuth.Exchange> refreshesSince(int before) {
    List<FakeOAuth.Exchange> all = harness.oauth.exchanges();
    return all.subList(before, all.size()).stream()
        .filter(e -> e.grantType().equals("refresh_token"))
        .toList();
  }

  void noSecretIn(List<String> outputs, RedisServer redis, String key) throws Exception {
    List<String> secrets = new ArrayList<>(harness.oauth.issuedAccessTokens());
    secrets.addAll(harness.oauth.issuedRefreshTokens());
    secrets.add(CLIENT_SECRET);
    secrets.add(REDIS_PASSWORD);
    List<String> texts = new ArrayList<>(outputs);
    texts.add(harness.otlp.spans().toString());
    // The store keeps the state sealed: whoever reads Redis without the client secret gets no
    // token.
    texts.add(redis.cli("GET", key));
    for (String secret : secrets) {
      assertThat(texts).noneSatisfy(text -> assertThat(text).contains(secret));
    }
  }

  String stateKey(RedisServer redis) throws Exception {
    List<String> keys =
        redis
            .cli("--scan", "--pattern", "warden:oauth:jira-app:*")
            .lines()
            .filter(k -> !k.endsWith(":lock"))
            .toList();
    assertThat(keys).hasSize(1);
    return keys.get(0);
  }

  @Test
  void fourJvmsShareOneGrantThroughRedisForMinutesAndNonePresentsARotatedToken() throws Exception {
    // No grace at all here: a rotated refresh token presented even once revokes the whole family.
    FakeOAuth oauth = oauth(2).graceMillis(0);
    try (RedisServer redis =
        RedisServer.start(harness.dir.resolve("redis-fleet"), REDIS_PASSWORD)) {
      String consent = oauth.consent("fleet");
      Path policy = policy(redis, "throttles:\n  pace: {capacity: 2, refill: 8/1s, max-wait: 10s}");
      int before = harness.oauth.exchanges().size();
      long startAt = System.currentTimeMillis() + 4_000;
      List<AppLauncher.Running> jvms = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        jvms.add(
            app(policy, consent)
                .mainClass("com.acme.LoadProbe")
                .timeout(java.time.Duration.ofSeconds(FLEET_SECONDS + 120))
                .args(
                    harness.jira.url() + "/rest/api/2/issue/OPS-1",
                    "2",
                    Integer.toString(FLEET_SECONDS),
                    "0",
                    Long.toString(startAt))
                .start());
      }
      List<AppRun> runs = new ArrayList<>();
      for (AppLauncher.Running jvm : jvms) {
        runs.add(jvm.await());
      }

      List<String> outputs = new ArrayList<>();
      int refreshingJvms = 0;
      for (AppRun run : runs) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode result =
            Harness.JSON.readTree(
                run.stdout().stream()
                    .filter(l -> l.startsWith("{\"requests\""))
                    .findFirst()
                    .orElseThrow());
        assertThat(result.path("errors").asLong()).as(run.toString()).isZero();
        assertThat(result.path("statuses").size()).as("only 200s: " + result).isEqualTo(1);
        assertThat(result.path("statuses").path("200").asLong())
            .as(result.toString())
            .isGreaterThan(FLEET_SECONDS * 4L);
        assertThat(run.wardenLog())
            .as("took tokens other JVMs renewed")
            .anyMatch(l -> l.contains("access token taken from store"));
        if (run.wardenLog().stream().anyMatch(l -> l.contains("refresh token rotated"))) {
          refreshingJvms++;
        }
        outputs.add(run.all());
      }
      assertThat(refreshingJvms).as("the JVMs took turns").isGreaterThan(1);

      List<FakeOAuth.Exchange> refreshes = refreshesSince(before);
      assertThat(refreshes).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
      Set<String> presented = new HashSet<>();
      for (FakeOAuth.Exchange e : refreshes) {
        assertThat(presented.add(e.refreshToken())).as("a refresh token presented twice").isTrue();
      }
      assertThat(refreshes.get(0).refreshToken()).isEqualTo(consent);
      // Tokens last 2 s and are renewed with a fifth of their life left: one refresh every 1.6 s or
      // so for the whole
      // fleet, not one per JVM.
      assertThat(refreshes.size()).as("refreshes").isBetween(FLEET_SECONDS / 2, FLEET_SECONDS + 10);
      assertThat(oauth.revoked(consent)).as("the family was never revoked").isFalse();
      System.out.printf(
          "OAuthFleetIT: 4 JVMs, %d s: %d refreshes (%d of the JVMs refreshed), each refresh token presented once%n",
          FLEET_SECONDS, refreshes.size(), refreshingJvms);
      List<Received> received =
          harness.jira.journal().matching(r -> r.path().endsWith("/issue/OPS-1"));
      assertThat(received)
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.principal()).isEqualTo("oauth:fleet"));
      noSecretIn(outputs, redis, stateKey(redis));
    } finally {
      oauth.graceMillis(10 * 60_000);
    }
  }

  @Test
  void aJvmDyingBetweenRefreshAndWriteBackCostsTheFleetNothing() throws Exception {
    FakeOAuth oauth = oauth(30);
    try (RedisServer redis =
        RedisServer.start(harness.dir.resolve("redis-crash"), REDIS_PASSWORD)) {
      String consent = oauth.consent("erin");
      Path policy = policy(redis, "");
      int before = harness.oauth.exchanges().size();
      AppRun first =
          steps(policy, consent, List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
              .run();
      assertThat(first.step(1).path("status").asInt()).as(first.toString()).isEqualTo(200);
      String key = stateKey(redis);
      String state = redis.cli("GET", key);
      // The store's access token is taken from the store, then revoked: the next refresh rotates,
      // and its JVM dies.
      oauth.revokeAccessTokens();
      // It is killed while the endpoint, having rotated, holds its answer: it never writes the new
      // state.
      AppRun crashed =
          OAuthIT.killedWhileRotating(
              oauth,
              steps(
                  policy, consent, List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"))));
      assertThat(crashed.exitCode()).as(crashed.toString()).isEqualTo(137);
      assertThat(redis.cli("GET", key)).as("nothing written").isEqualTo(state);

      // The next JVM waits out the dead one's lock, presents the token the store still holds
      // (rotated, within the
      // grace), and the fleet carries on.
      AppRun next =
          steps(policy, consent, List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
              .run();
      assertThat(next.step(1).path("status").asInt()).as(next.toString()).isEqualTo(200);
      List<FakeOAuth.Exchange> refreshes = refreshesSince(before);
      assertThat(refreshes).hasSize(3).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
      assertThat(refreshes.get(0).refreshToken()).isEqualTo(consent);
      assertThat(refreshes.get(2).refreshToken())
          .as("the token the store held")
          .isEqualTo(refreshes.get(1).refreshToken());
      assertThat(redis.cli("GET", key)).isNotEqualTo(state);
      assertThat(oauth.revoked(consent)).isFalse();
      noSecretIn(List.of(first.all(), crashed.all(), next.all()), redis, key);
    }
  }

  @Test
  void whileTheStoreIsDownTheCachedTokenServesThen503sThenItRecovers() throws Exception {
    // No grace: the store comes back empty (no persistence), and only the state the JVM remembers,
    // put back, works.
    oauth(3).graceMillis(0);
    try (RedisServer redis = RedisServer.start(harness.dir.resolve("redis-down"), REDIS_PASSWORD)) {
      String consent = harness.oauth.consent("frank");
      Path fetched = harness.dir.resolve("fetched-" + System.nanoTime());
      Path down = harness.dir.resolve("down-" + System.nanoTime());
      Path expired = harness.dir.resolve("expired-" + System.nanoTime());
      Path back = harness.dir.resolve("back-" + System.nanoTime());
      AppLauncher.Running app =
          steps(
                  policy(redis, ""),
                  consent,
                  List.of(
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      touchFile(fetched.toString()),
                      awaitFile(down.toString()),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      Steps.with(new LinkedHashMap<>(), "sleep", 3200),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      touchFile(expired.toString()),
                      awaitFile(back.toString()),
                      Steps.with(new LinkedHashMap<>(), "sleep", 2500),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
              .start();
      OAuthIT.await(fetched);
      redis.stop();
      Files.createFile(down);
      OAuthIT.await(expired);
      redis.start();
      Files.createFile(back);
      AppRun run = app.await();

      List<JsonNode> calls = run.steps();
      assertThat(calls)
          .extracting(s -> s.path("status").asInt())
          .as(run.toString())
          .containsExactly(200, 200, 503, 200);
      assertThat(calls.get(2).path("body").asText())
          .contains("credential 'jira-app'")
          .contains("store redis://")
          .contains("cannot be reached");
      assertThat(run.wardenLog())
          .anyMatch(l -> l.contains("renewed again"))
          .anyMatch(l -> l.contains("had lost token state"));
      assertThat(harness.oauth.revoked(consent)).isFalse();
      noSecretIn(List.of(run.all()), redis, stateKey(redis));
    } finally {
      harness.oauth.graceMillis(10 * 60_000);
    }
  }

  @Test
  void aTokenRotatedAsTheStoreWentAwayReachesItWhenItIsBack() throws Exception {
    FakeOAuth oauth = oauth(30).graceMillis(0);
    try (RedisServer redis =
        RedisServer.start(harness.dir.resolve("redis-midway"), REDIS_PASSWORD)) {
      String consent = oauth.consent("heidi");
      Path policy = policy(redis, "");
      Path first = harness.dir.resolve("first-" + System.nanoTime());
      Path go = harness.dir.resolve("go-" + System.nanoTime());
      Path asking = harness.dir.resolve("asking-" + System.nanoTime());
      Path back = harness.dir.resolve("back-" + System.nanoTime());
      AppLauncher.Running app =
          steps(
                  policy,
                  consent,
                  List.of(
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      touchFile(first.toString()),
                      awaitFile(go.toString()),
                      touchFile(asking.toString()),
                      call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                      awaitFile(back.toString())))
              .start();
      OAuthIT.await(first);
      // Jira refuses the access token: the refresh that follows is slow, and the store goes away
      // during it.
      oauth.revokeAccessTokens();
      oauth.delayMillis(2_000);
      Files.createFile(go);
      OAuthIT.await(asking);
      long deadline = System.currentTimeMillis() + 10_000;
      while (oauth.inFlight() == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      redis.stop();
      oauth.delayMillis(0);
      Thread.sleep(2_500);
      redis.start();
      // The store is back, empty. A JVM that knows nothing starts at once: it finds the store empty
      // and waits, rather
      // than presenting its long-rotated seed; the JVM that rotated the token puts its state back
      // within a second or so.
      // Jira refuses the access token the new JVM then finds, so it refreshes with the store's
      // refresh token.
      oauth.revokeAccessTokens();
      AppRun fresh =
          steps(policy, consent, List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
              .run();
      Files.createFile(back);
      AppRun run = app.await();

      assertThat(run.steps())
          .extracting(s -> s.path("status").asInt())
          .as(run.toString())
          .containsExactly(200, 200);
      assertThat(run.wardenLog())
          .anyMatch(l -> l.contains("refresh token rotated but store"))
          .anyMatch(l -> l.contains("had lost token state"));
      assertThat(fresh.step(1).path("status").asInt()).as(fresh.toString()).isEqualTo(200);
      assertThat(oauth.revoked(consent)).as("no rotated token was presented").isFalse();
      noSecretIn(List.of(run.all(), fresh.all()), redis, stateKey(redis));
    } finally {
      harness.oauth.graceMillis(10 * 60_000);
      harness.oauth.delayMillis(0);
    }
  }

  @Test
  void anOperatorsResetStartsOverFromTheSettingAndAnOldSeedIsNeverPresented() throws Exception {
    FakeOAuth oauth = oauth(30);
    try (RedisServer redis =
        RedisServer.start(harness.dir.resolve("redis-reset"), REDIS_PASSWORD)) {
      Path policy = policy(redis, "");
      int before = harness.oauth.exchanges().size();
      String first = oauth.consent("ivan");
      Path started = harness.dir.resolve("started-" + System.nanoTime());
      Path reset = harness.dir.resolve("reset-" + System.nanoTime());
      Path seeded = harness.dir.resolve("seeded-" + System.nanoTime());
      // A JVM that keeps running with the first seed in its setting.
      AppLauncher.Running longLived =
          steps(
                  policy,
                  first,
                  List.of(
                      get(),
                      touchFile(started.toString()),
                      awaitFile(reset.toString()),
                      get(),
                      awaitFile(seeded.toString()),
                      Steps.with(new LinkedHashMap<>(), "sleep", 1200),
                      get()))
              .start();
      OAuthIT.await(started);

      // A new consent, and the operator starts over: the key says reset. Jira refuses the access
      // tokens issued so far.
      String second = oauth.consent("judy");
      redis.cli("SET", stateKey(redis), "reset");
      oauth.revokeAccessTokens();
      Files.createFile(reset);
      OAuthIT.await(Path.of(started.toString()));
      // The long-lived JVM must renew, finds the store reset, and will not present the seed it saw
      // used: 503, nothing asked.
      long deadline = System.currentTimeMillis() + 20_000;
      while (harness.jira.journal().all().size() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(1_000);
      AppRun two = steps(policy, second, List.of(get())).run();
      assertThat(two.step(1).path("status").asInt()).as(two.toString()).isEqualTo(200);
      Files.createFile(seeded);
      AppRun one = longLived.await();
      assertThat(one.steps())
          .extracting(s -> s.path("status").asInt())
          .as(one.toString())
          .containsExactly(200, 503, 200);
      assertThat(one.steps().get(1).path("body").asText())
          .contains("already used")
          .contains("new consent");

      // A new JVM still holding the first seed takes the store's state; Jira refusing its access
      // token, it refreshes the
      // store's refresh token, never the old seed.
      oauth.revokeAccessTokens();
      AppRun three = steps(policy, first, List.of(get())).run();
      assertThat(three.step(1).path("status").asInt()).as(three.toString()).isEqualTo(200);

      List<FakeOAuth.Exchange> refreshes = refreshesSince(before);
      assertThat(refreshes)
          .extracting(FakeOAuth.Exchange::refreshToken)
          .hasSize(3)
          .startsWith(first, second)
          .doesNotHaveDuplicates();
      noSecretIn(List.of(one.all(), two.all(), three.all()), redis, stateKey(redis));
    }
  }

  @Test
  void aSlowRefreshKeepsItsLockWhileTheOtherJvmsWait() throws Exception {
    FakeOAuth oauth = oauth(30).graceMillis(0);
    try (RedisServer redis = RedisServer.start(harness.dir.resolve("redis-slow"), REDIS_PASSWORD)) {
      String consent = oauth.consent("ken");
      Path policy = policy(redis, "");
      int before = harness.oauth.exchanges().size();
      AppRun first = steps(policy, consent, List.of(get())).run();
      assertThat(first.step(1).path("status").asInt()).as(first.toString()).isEqualTo(200);

      // Jira refuses the access token both JVMs find; the refresh one of them makes takes longer
      // than the lock's 5 s.
      oauth.revokeAccessTokens();
      oauth.delayMillis(7_000);
      AppLauncher.Running a = steps(policy, consent, List.of(get())).start();
      AppLauncher.Running b = steps(policy, consent, List.of(get())).start();
      AppRun runA = a.await();
      AppRun runB = b.await();

      assertThat(runA.step(1).path("status").asInt()).as(runA.toString()).isEqualTo(200);
      assertThat(runB.step(1).path("status").asInt()).as(runB.toString()).isEqualTo(200);
      List<FakeOAuth.Exchange> refreshes = refreshesSince(before);
      assertThat(refreshes)
          .as("one refresh for both")
          .hasSize(2)
          .allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
      assertThat(oauth.revoked(consent)).isFalse();
      noSecretIn(List.of(first.all(), runA.all(), runB.all()), redis, stateKey(redis));
    } finally {
      harness.oauth.graceMillis(10 * 60_000);
      harness.oauth.delayMillis(0);
    }
  }

  static Map<String, Object> get() {
    return call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1");
  }

  @Test
  void aRefusedTokenStopsTheFleetUntilANewConsentWhichAnOldSeedNeverOverrides() throws Exception {
    FakeOAuth oauth = oauth(30);
    try (RedisServer redis =
        RedisServer.start(harness.dir.resolve("redis-refused"), REDIS_PASSWORD)) {
      Path policy = policy(redis, "");
      int before = harness.oauth.exchanges().size();
      List<Map<String, Object>> twice =
          List.of(
              call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
              call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"));

      AppRun refused = steps(policy, "rt-never-issued", twice).run();
      assertThat(refused.steps())
          .hasSize(2)
          .allSatisfy(
              s -> {
                assertThat(s.path("status").asInt()).as(refused.toString()).isEqualTo(503);
                assertThat(s.path("body").asText())
                    .contains("credential 'jira-app'")
                    .contains("consent must be renewed");
              });
      assertThat(refused.wardenLog()).filteredOn(l -> l.contains("invalid_grant")).hasSize(1);
      // Another JVM with the same refused seed asks nothing: the store says it was refused.
      AppRun again = steps(policy, "rt-never-issued", twice).run();
      assertThat(again.steps())
          .extracting(s -> s.path("status").asInt())
          .as(again.toString())
          .containsExactly(503, 503);
      assertThat(refreshesSince(before)).hasSize(1);

      // A new consent, deployed to one JVM, restarts the fleet's state.
      String consent = oauth.consent("grace");
      AppRun renewed = steps(policy, consent, twice).run();
      assertThat(renewed.steps())
          .extracting(s -> s.path("status").asInt())
          .as(renewed.toString())
          .containsExactly(200, 200);
      // A JVM still holding the old seed takes the store's state and presents nothing.
      oauth.revokeAccessTokens();
      AppRun old = steps(policy, "rt-never-issued", twice).run();
      assertThat(old.steps())
          .extracting(s -> s.path("status").asInt())
          .as(old.toString())
          .containsExactly(200, 200);
      List<FakeOAuth.Exchange> refreshes = refreshesSince(before);
      assertThat(refreshes)
          .extracting(FakeOAuth.Exchange::refreshToken)
          .hasSize(3)
          .startsWith("rt-never-issued", consent)
          .doesNotHaveDuplicates();
      assertThat(oauth.revoked(consent)).isFalse();
      noSecretIn(
          List.of(refused.all(), again.all(), renewed.all(), old.all()), redis, stateKey(redis));
    }
  }
}
