package dev.warden.testapps;

import static dev.warden.testapps.Steps.awaitFile;
import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.touchFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.testapps.fakejira.FakeOAuth;
import dev.warden.testapps.fakejira.Received;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OAuth 2.0 credentials in a real JVM (CONTRACT section 3): a refresh grant whose refresh token
 * rotates at every refresh and is written back to its file, refreshed once however many threads
 * wait; {@code invalid_grant} answered 503 with one log line and no storm; a token endpoint that
 * goes away and comes back; Jira's 401 renewing the token once; a service account's client
 * credentials. Against the fake token endpoint, which expires access tokens after 3 s.
 */
class OAuthIT {

  static final String CLIENT_SECRET = "client-secret-" + java.util.UUID.randomUUID();

  @RegisterExtension static final Harness harness = new Harness();

  Path refreshFile(String token) throws Exception {
    Path file = harness.dir.resolve("refresh-" + System.nanoTime());
    Files.writeString(file, token + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  Path policy(String credential) throws Exception {
    return harness.policy(
        """
        version: 1
        sites:
          - {id: jira, url: '{jira}', credential: jira-app}
        credentials:
          jira-app:
        %s
        rules:
          - {id: reads, effect: allow, operations: [read:jira-work, read:jira-user, unscoped]}
        """
            .formatted(credential.indent(4).stripTrailing()));
  }

  String refreshCredential(Path file) {
    return """
        type: oauth2-refresh
        token-url: {oauth}
        client-id: warden-app
        client-secret: ${env:OAUTH_CLIENT_SECRET}
        refresh-token: ${file:%s}"""
        .formatted(file);
  }

  AppRun run(Path policy, List<Map<String, Object>> steps) throws Exception {
    return start(policy, steps).await();
  }

  AppLauncher.Running start(Path policy, List<Map<String, Object>> steps) throws Exception {
    // At debug level, the most Warden ever writes: still no secret (each test checks its output).
    return harness
        .app(policy)
        .agentArgument("log.level", "debug")
        .env("OAUTH_CLIENT_SECRET", CLIENT_SECRET)
        .args(harness.steps(steps).toString())
        .start();
  }

  FakeOAuth oauth() {
    return harness
        .oauth
        .client("warden-app", CLIENT_SECRET)
        .client("svc-reports", CLIENT_SECRET)
        .accessTokenSeconds(3);
  }

  List<FakeOAuth.Exchange> refreshes() {
    return harness.oauth.exchanges().stream()
        .filter(e -> e.grantType().equals("refresh_token"))
        .toList();
  }

  void noSecretIn(AppRun run, Path... files) throws Exception {
    List<String> secrets = new ArrayList<>(harness.oauth.issuedAccessTokens());
    secrets.addAll(harness.oauth.issuedRefreshTokens());
    secrets.add(CLIENT_SECRET);
    List<String> outputs = harness.outputs(run);
    for (String secret : secrets) {
      assertThat(outputs).noneSatisfy(text -> assertThat(text).contains(secret));
    }
  }

  @Test
  void refreshTokensRotateIntoTheirFileAndManyThreadsRefreshOnce() throws Exception {
    FakeOAuth oauth = oauth();
    String consent = oauth.consent("alice");
    Path file = refreshFile(consent);
    int before = refreshes().size();

    AppRun run =
        run(
            policy(refreshCredential(file)),
            List.of(
                Steps.with(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"), "parallel", 20),
                Steps.with(new LinkedHashMap<>(), "sleep", 3200),
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.steps())
        .hasSize(21)
        .allSatisfy(s -> assertThat(s.path("status").asInt()).as(run.toString()).isEqualTo(200));
    List<Received> received =
        harness.jira.journal().matching(r -> r.path().endsWith("/issue/OPS-1"));
    assertThat(received)
        .hasSize(21)
        .allSatisfy(r -> assertThat(r.principal()).isEqualTo("oauth:alice"));
    // Twenty threads at once: one refresh. The token expired after 3 s: one more.
    List<FakeOAuth.Exchange> refreshes = refreshes().subList(before, refreshes().size());
    assertThat(refreshes).hasSize(2).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
    assertThat(refreshes.get(0).refreshToken()).isEqualTo(consent);
    String written = Files.readString(file).strip();
    assertThat(written).isNotEqualTo(consent).isNotEqualTo(refreshes.get(1).refreshToken());
    assertThat(refreshes.get(1).refreshToken())
        .as("the second refresh presented the rotated token")
        .isNotEqualTo(consent);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(oauth.revoked(written)).isFalse();
    try (var siblings = Files.list(file.getParent())) {
      assertThat(siblings.filter(p -> p.getFileName().toString().endsWith(".warden")))
          .as("no temporary file left")
          .isEmpty();
    }
    noSecretIn(run);
  }

  @Test
  void aCrashBetweenRefreshAndWriteBackLosesNoToken() throws Exception {
    FakeOAuth oauth = oauth();
    String consent = oauth.consent("dave");
    Path file = refreshFile(consent);
    Path policy = policy(refreshCredential(file));
    int before = refreshes().size();

    // The token endpoint rotates the refresh token, and the JVM dies before it hears of the new
    // one, so nothing is written back.
    AppRun crashed =
        killedWhileRotating(
            harness.oauth,
            harness
                .app(policy)
                .env("OAUTH_CLIENT_SECRET", CLIENT_SECRET)
                .args(
                    harness
                        .steps(List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
                        .toString()));
    assertThat(crashed.exitCode()).as(crashed.toString()).isEqualTo(137);
    assertThat(Files.readString(file).strip())
        .as("the file still holds the token that was rotated")
        .isEqualTo(consent);

    // The next start presents it again, within Atlassian's grace: accepted, rotated, written back,
    // family intact.
    AppRun next = run(policy, List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));
    assertThat(next.step(1).path("status").asInt()).as(next.toString()).isEqualTo(200);
    List<FakeOAuth.Exchange> refreshes = refreshes().subList(before, refreshes().size());
    assertThat(refreshes)
        .extracting(FakeOAuth.Exchange::refreshToken)
        .containsExactly(consent, consent);
    assertThat(refreshes).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
    String written = Files.readString(file).strip();
    assertThat(written).isNotEqualTo(consent);
    assertThat(oauth.revoked(written)).isFalse();
    noSecretIn(next);
  }

  @Test
  void anOrderlyExitDuringARotationWaitsForItAndWritesTheNewTokenBack() throws Exception {
    FakeOAuth oauth = oauth();
    String consent = oauth.consent("erin");
    Path file = refreshFile(consent);
    Path policy = policy(refreshCredential(file));
    Path exitNow = harness.dir.resolve("exit-now");
    Files.deleteIfExists(exitNow);

    // The application exits (System.exit, as a SIGTERM would) while Warden's refresh is at the
    // token endpoint, which has rotated the token and answers a second later.
    java.util.concurrent.CompletableFuture<Void> held = oauth.holdNextRotation();
    AppLauncher.Running running =
        harness
            .app(policy)
            .env("OAUTH_CLIENT_SECRET", CLIENT_SECRET)
            .mainClass("com.acme.ShutdownProbe")
            .args(harness.jira.url().toString(), "exit-on-file", harness.dir.toString())
            .start();
    AppRun exited;
    try {
      held.get(60, java.util.concurrent.TimeUnit.SECONDS);
      Files.writeString(exitNow, "");
      Thread.sleep(1000);
    } finally {
      oauth.release();
    }
    exited = running.await();

    assertThat(exited.exitCode()).as(exited.toString()).isZero();
    String written = Files.readString(file).strip();
    assertThat(written)
        .as("the rotated token was written back before the JVM ended")
        .isNotEqualTo(consent)
        .isIn(oauth.issuedRefreshTokens());
    assertThat(oauth.revoked(written)).isFalse();
    // The next start uses it: no grace needed, nothing lost.
    AppRun next = run(policy, List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));
    assertThat(next.step(1).path("status").asInt()).as(next.toString()).isEqualTo(200);
    assertThat(refreshes().get(refreshes().size() - 1).refreshToken()).isEqualTo(written);
    noSecretIn(exited);
  }

  @Test
  void aRefusedRefreshTokenIsA503NamingTheCredentialOnceLoggedAndNeverRetried() throws Exception {
    oauth();
    Path file = refreshFile("rt-never-issued");
    int before = harness.oauth.exchanges().size();

    AppRun run =
        run(
            policy(refreshCredential(file)),
            List.of(
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));

    assertThat(run.steps())
        .hasSize(3)
        .allSatisfy(
            s -> {
              assertThat(s.path("status").asInt()).as(run.toString()).isEqualTo(503);
              assertThat(s.path("headers").path("x-warden-decision").asText())
                  .isEqualTo("unavailable");
              assertThat(s.path("body").asText())
                  .contains("credential 'jira-app'")
                  .contains("consent must be renewed");
            });
    assertThat(harness.oauth.exchanges().size() - before).as("no retry storm").isEqualTo(1);
    assertThat(harness.jira.journal().all()).isEmpty();
    assertThat(run.wardenLog()).filteredOn(l -> l.contains("invalid_grant")).hasSize(1);
    noSecretIn(run);
    // Counted once, by how it ended (the last metrics go as the JVM exits).
    assertThat(harness.otlp.points())
        .filteredOn(p -> p.name().equals("warden.credential.refreshes"))
        .isNotEmpty()
        .last()
        .satisfies(
            p -> {
              assertThat(p.attributes())
                  .isEqualTo(
                      java.util.Map.of(
                          "warden.credential", "jira-app", "error.type", "invalid_grant"));
              assertThat(p.value()).isEqualTo(1);
              assertThat(p.unit()).isEqualTo("{refresh}");
            });
  }

  @Test
  void whileTheTokenEndpointIsDownTheCachedTokenServesThen503sThenItRecovers() throws Exception {
    FakeOAuth oauth = oauth();
    Path file = refreshFile(oauth.consent("bob"));
    Path fetched = harness.dir.resolve("fetched-" + System.nanoTime());
    Path down = harness.dir.resolve("down-" + System.nanoTime());
    Path expired = harness.dir.resolve("expired-" + System.nanoTime());
    Path back = harness.dir.resolve("back-" + System.nanoTime());
    AppLauncher.Running app =
        start(
            policy(refreshCredential(file)),
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
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));
    await(fetched);
    oauth.stop();
    Files.createFile(down);
    await(expired);
    oauth.restart();
    Files.createFile(back);
    AppRun run = app.await();

    List<JsonNode> calls = run.steps();
    assertThat(calls)
        .extracting(s -> s.path("status").asInt())
        .as(run.toString())
        .containsExactly(200, 200, 503, 200);
    assertThat(calls.get(2).path("body").asText())
        .contains("credential 'jira-app'")
        .contains("cannot be reached");
    noSecretIn(run);
  }

  @Test
  void jiras401RenewsTheTokenOnceAndTheRequestGoesAgain() throws Exception {
    FakeOAuth oauth = oauth();
    Path file = refreshFile(oauth.consent("carol"));
    Path first = harness.dir.resolve("first-" + System.nanoTime());
    Path revoked = harness.dir.resolve("revoked-" + System.nanoTime());
    int before = refreshes().size();
    AppLauncher.Running app =
        start(
            policy(refreshCredential(file)),
            List.of(
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                touchFile(first.toString()),
                awaitFile(revoked.toString()),
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));
    await(first);
    oauth.revokeAccessTokens();
    Files.createFile(revoked);
    AppRun run = app.await();

    assertThat(run.steps())
        .extracting(s -> s.path("status").asInt())
        .as(run.toString())
        .containsExactly(200, 200);
    assertThat(refreshes().size() - before).isEqualTo(2);
    assertThat(harness.jira.journal().matching(r -> r.path().endsWith("/issue/OPS-1")))
        .extracting(Received::principal)
        .containsExactly("oauth:carol", null, "oauth:carol");
    assertThat(
            harness.spans(
                s -> "1".equals(String.valueOf(s.attribute("http.request.resend_count"))), 1))
        .hasSize(1);
  }

  @Test
  void aServiceAccountsClientCredentialsAreCachedUntilTheyNearExpiry() throws Exception {
    oauth();
    int before = harness.oauth.exchanges().size();
    AppRun run =
        run(
            policy(
                """
        type: oauth2-client-credentials
        token-url: {oauth}
        client-id: svc-reports
        client-secret: ${env:OAUTH_CLIENT_SECRET}
        scope: read:jira-work"""),
            List.of(
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                Steps.with(new LinkedHashMap<>(), "sleep", 3200),
                call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));

    assertThat(run.steps())
        .extracting(s -> s.path("status").asInt())
        .as(run.toString())
        .containsExactly(200, 200, 200);
    assertThat(harness.oauth.exchanges().subList(before, harness.oauth.exchanges().size()))
        .extracting(FakeOAuth.Exchange::grantType)
        .containsExactly("client_credentials", "client_credentials");
    assertThat(harness.jira.journal().all())
        .extracting(Received::principal)
        .containsOnly("oauth:svc-reports");
    noSecretIn(run);
  }

  static void await(Path file) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.exists(file) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
  }

  /**
   * Starts the application and kills it ({@code kill -9}) while the token endpoint, having rotated
   * the refresh token, holds its answer: a crash between a refresh and its write-back.
   */
  static AppRun killedWhileRotating(FakeOAuth oauth, AppLauncher app) throws Exception {
    java.util.concurrent.CompletableFuture<Void> held = oauth.holdNextRotation();
    AppLauncher.Running running = app.start();
    try {
      held.get(60, java.util.concurrent.TimeUnit.SECONDS);
      return running.kill();
    } finally {
      oauth.release();
    }
  }
}
