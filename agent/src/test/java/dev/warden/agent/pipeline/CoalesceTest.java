package dev.warden.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.policy.PolicyHolder;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.secret.SecretResolver;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coalesce: true}: identical concurrent GETs go to Jira once (CONTRACT section 3). */
class CoalesceTest {

  static final String SITE = "https://acme.atlassian.net";
  static final String POLICY =
      """
      version: 1
      sites:
        - {id: acme, url: 'https://acme.atlassian.net', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      throttles:
        one: {capacity: 1, refill: 1/1m, max-wait: 0s}
      rules:
        - {id: shared-reads, effect: allow, operations: getIssue, coalesce: true, throttle: one}
        - {id: reads, effect: allow, operations: [read:jira-work]}
      """;

  @TempDir Path dir;
  final List<AuditRecord> records = new CopyOnWriteArrayList<>();
  ScheduledExecutorService scheduler;
  Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, POLICY);
    PolicyHolder holder =
        new PolicyHolder(
            file,
            RouteCatalog.bundled(),
            new SecretResolver(Map.of("JIRA_TOKEN", "t")::get),
            System::nanoTime);
    holder.loadInitial();
    gateway =
        new Gateway(holder, records::add, new ThrottleRegistry(), WardenClock.SYSTEM, scheduler);
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  static WardenResponse shareable(int status, String body) {
    return new WardenResponse(
        status,
        Headers.of("Content-Type", "application/json", "Content-Length", "999"),
        "native " + status,
        () -> {},
        () -> body.getBytes(StandardCharsets.UTF_8));
  }

  static FakeCall get(String url, String... headers) {
    FakeCall call = new FakeCall("GET", url, Headers.of(headers), null);
    call.blocking = false;
    return call;
  }

  @Test
  void followersShareTheLeadersResponseAndTakeNoToken() throws Exception {
    CompletableFuture<WardenResponse> network = new CompletableFuture<>();
    FakeCall leader = get(SITE + "/rest/api/2/issue/OPS-1");
    leader.network = r -> network;
    CompletableFuture<Object> led = gateway.handle(leader);
    List<FakeCall> followers = new ArrayList<>();
    List<CompletableFuture<Object>> followed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FakeCall follower = get(SITE + "/rest/api/2/issue/OPS-1");
      followers.add(follower);
      followed.add(gateway.handle(follower));
    }
    assertThat(led).isNotDone();

    network.complete(shareable(200, "{\"key\":\"OPS-1\"}"));

    for (CompletableFuture<Object> result : followed) {
      Answer answer = (Answer) result.get();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.bodyText()).isEqualTo("{\"key\":\"OPS-1\"}");
      assertThat(answer.headers().first("Content-Type")).isEqualTo("application/json");
      assertThat(answer.headers().first("Content-Length"))
          .as("the follower's client frames the body")
          .isNull();
    }
    assertThat(((Answer) led.get()).bodyText()).isEqualTo("{\"key\":\"OPS-1\"}");
    assertThat(leader.sent).hasSize(1);
    assertThat(followers).allSatisfy(f -> assertThat(f.sent).isEmpty());
    assertThat(records)
        .hasSize(4)
        .allSatisfy(
            r ->
                assertThat(r.attributes())
                    .containsEntry("http.response.status_code", 200L)
                    .containsEntry("warden.decision", "allow"));
    assertThat(records)
        .filteredOn(r -> Boolean.TRUE.equals(r.attribute("warden.coalesced")))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.attributes()).containsEntry("warden.credential", "bot"));
  }

  @Test
  void differentAcceptOrUrlIsAnotherRequest() throws Exception {
    CompletableFuture<WardenResponse> network = new CompletableFuture<>();
    FakeCall json = get(SITE + "/rest/api/2/issue/OPS-1", "Accept", "application/json");
    json.network = r -> network;
    CompletableFuture<Object> first = gateway.handle(json);
    FakeCall other = get(SITE + "/rest/api/2/issue/OPS-1", "Accept", "text/html");
    // The rule's one token is the leader's: a request that is not a follower is throttled.
    assertThat(((Answer) gateway.handle(other).get()).status()).isEqualTo(429);
    network.complete(shareable(200, "{}"));
    assertThat(first.get())
        .as("no one followed: the leader's own response, untouched")
        .isEqualTo("native 200");
  }

  @Test
  void whenTheLeaderFailsEachFollowerGoesOnByItself() throws Exception {
    CompletableFuture<WardenResponse> network = new CompletableFuture<>();
    FakeCall leader = get(SITE + "/rest/api/2/issue/OPS-1");
    leader.network = r -> network;
    CompletableFuture<Object> led = gateway.handle(leader);
    FakeCall follower = get(SITE + "/rest/api/2/issue/OPS-1");
    follower.network = r -> CompletableFuture.completedFuture(shareable(200, "{\"mine\":true}"));
    CompletableFuture<Object> followed = gateway.handle(follower);

    network.completeExceptionally(new ConnectException("refused"));

    assertThat(led).failsWithin(java.time.Duration.ofSeconds(5));
    // On its own, the follower meets the throttle the leader's token emptied... and is answered
    // 429,
    // not failed with the leader's error.
    assertThat(((Answer) followed.get()).status()).isEqualTo(429);
    assertThat(follower.sent).isEmpty();
  }

  @Test
  void aRedirectOrAnUnreadableResponseIsNotShared() throws Exception {
    CompletableFuture<WardenResponse> network = new CompletableFuture<>();
    FakeCall leader = get(SITE + "/rest/api/2/issue/OPS-1");
    leader.network = r -> network;
    CompletableFuture<Object> led = gateway.handle(leader);
    FakeCall follower = get(SITE + "/rest/api/2/issue/OPS-1");
    CompletableFuture<Object> followed = gateway.handle(follower);

    network.complete(
        new WardenResponse(
            302, Headers.of("Location", "/elsewhere"), "native 302", () -> {}, () -> new byte[0]));

    assertThat(led.get()).isEqualTo("native 302");
    assertThat(((Answer) followed.get()).status())
        .as("went alone, and met the throttle")
        .isEqualTo(429);
  }

  @Test
  void aClientThatCannotShareSendsItsOwn() throws Exception {
    FakeCall first = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    assertThat(gateway.handle(first).get()).isEqualTo("native 200");
    assertThat(first.sent).hasSize(1);
    assertThat(records.get(0).attributes()).doesNotContainKey("warden.coalesced");
  }
}
