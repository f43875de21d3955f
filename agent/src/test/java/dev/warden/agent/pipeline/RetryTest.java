package dev.warden.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.policy.PolicyHolder;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.secret.SecretResolver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
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

/** Jira's 429s and 503s: retries, pauses by scope, near-limit slowing (CONTRACT section 4). */
class RetryTest {

  static final String SITE = "https://acme.atlassian.net";
  static final String POLICY =
      """
      version: 1
      mode: %s
      sites:
        - {id: acme, url: 'https://acme.atlassian.net', credential: bot}
        - {id: beta, url: 'https://beta.atlassian.net', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      throttles:
        patient: {capacity: 2, refill: 2/1m, max-wait: 30s}
      retry: {max-attempts: 3, max-elapsed: 5s, base-delay: 20ms}
      rules:
        - {id: projects, effect: allow, operations: getProject, throttle: patient}
        - {id: work, effect: allow, operations: [read:jira-work, write:jira-work, unscoped]}
      """;

  @TempDir Path dir;
  final List<AuditRecord> records = new CopyOnWriteArrayList<>();
  ScheduledExecutorService scheduler;
  ThrottleRegistry throttles;

  @BeforeEach
  void scheduler() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  Gateway gateway(String mode) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, POLICY.formatted(mode));
    PolicyHolder holder =
        new PolicyHolder(
            file,
            RouteCatalog.bundled(),
            new SecretResolver(Map.of("JIRA_TOKEN", "t")::get),
            System::nanoTime);
    holder.loadInitial();
    throttles = new ThrottleRegistry();
    return new Gateway(holder, records::add, throttles, WardenClock.SYSTEM, scheduler);
  }

  /** A network that answers with these responses in turn, then 200. */
  static void answers(FakeCall call, List<CompletableFuture<WardenResponse>> responses) {
    Deque<CompletableFuture<WardenResponse>> queue = new ArrayDeque<>(responses);
    call.network = r -> queue.isEmpty() ? FakeCall.ok(200) : queue.poll();
  }

  static CompletableFuture<WardenResponse> limited(String... headers) {
    return FakeCall.response(429, Headers.of(headers));
  }

  static String resetIn(long millis) {
    return Instant.ofEpochMilli(System.currentTimeMillis() + millis).toString();
  }

  @Test
  void a429IsRetriedAfterJirasResetWithTheSameBodyAndAudited() throws Exception {
    byte[] body =
        "{\"fields\":{\"project\":{\"key\":\"OPS\"},\"summary\":\"é\"}}"
            .getBytes(StandardCharsets.UTF_8);
    FakeCall call = new FakeCall("POST", SITE + "/rest/api/2/issue", Headers.EMPTY, body);
    answers(
        call,
        List.of(
            limited("X-RateLimit-Reset", resetIn(300), "RateLimit-Reason", "jira-burst-based")));

    long start = System.nanoTime();
    assertThat(gateway("enforce").handle(call).get()).isEqualTo("native 200");
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(call.sent).hasSize(2);
    assertThat(call.sent).allSatisfy(r -> assertThat(r.body().bytes()).isEqualTo(body));
    assertThat(call.discarded).as("the 429 was never the application's").hasSize(1);
    assertThat(tookMillis).as("waited for Jira's reset").isGreaterThanOrEqualTo(250);
    AuditRecord record = records.get(0);
    assertThat(record.attributes())
        .containsEntry("http.request.resend_count", 1L)
        .containsEntry("http.response.status_code", 200L);
    assertThat(record.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.name()).isEqualTo("warden.retry");
              assertThat(e.attributes()).containsEntry("http.response.status_code", 429L);
              assertThat((Long) e.attributes().get("warden.retry.wait_ms"))
                  .isGreaterThanOrEqualTo(250L);
            });
  }

  @Test
  void retriesStopAtMaxAttemptsAndTheApplicationSeesJirasLast429() throws Exception {
    FakeCall call = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    call.network = r -> limited("RateLimit-Reason", "jira-burst-based");

    assertThat(gateway("enforce").handle(call).get()).isEqualTo("native 429");

    assertThat(call.sent).hasSize(3);
    assertThat(records.get(0).attributes())
        .containsEntry("http.request.resend_count", 2L)
        .containsEntry("error.type", "429");
    assertThat(records.get(0).events()).hasSize(2);
  }

  @Test
  void aWaitPastMaxElapsedIsNotRetried() throws Exception {
    FakeCall call = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    answers(call, List.of(limited("Retry-After", "30")));

    assertThat(gateway("enforce").handle(call).get()).isEqualTo("native 429");
    assertThat(call.sent).hasSize(1);
    assertThat(records.get(0).attributes()).doesNotContainKey("http.request.resend_count");
  }

  @Test
  void a503IsRetriedOnlyForIdempotentMethodsAndOnlyWithRetryAfter() throws Exception {
    Gateway gateway = gateway("enforce");
    FakeCall get = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    answers(get, List.of(FakeCall.response(503, Headers.of("Retry-After", "0"))));
    assertThat(gateway.handle(get).get()).isEqualTo("native 200");
    assertThat(get.sent).hasSize(2);

    FakeCall noRetryAfter = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-2");
    answers(noRetryAfter, List.of(FakeCall.ok(503)));
    assertThat(gateway.handle(noRetryAfter).get()).isEqualTo("native 503");
    assertThat(noRetryAfter.sent).hasSize(1);

    FakeCall post =
        new FakeCall(
            "POST", SITE + "/rest/api/2/issue/OPS-1/comment", Headers.EMPTY, "{}".getBytes());
    answers(post, List.of(FakeCall.response(503, Headers.of("Retry-After", "0"))));
    assertThat(gateway.handle(post).get()).isEqualTo("native 503");
    assertThat(post.sent).hasSize(1);
  }

  @Test
  void aClientThatSendsOnceGetsJiras429AndTheScopeStillPauses() throws Exception {
    Gateway gateway = gateway("enforce");
    FakeCall once = FakeCall.of("PUT", SITE + "/rest/api/2/issue/OPS-1");
    once.resendable = false;
    answers(
        once, List.of(limited("Retry-After", "30", "RateLimit-Reason", "jira-per-issue-on-write")));
    assertThat(gateway.handle(once).get()).isEqualTo("native 429");
    assertThat(once.sent).hasSize(1);

    // Writes to OPS-1 pause for 30 s, past the 5 s max-wait: Warden answers, Jira never sees them.
    FakeCall write = FakeCall.of("PUT", SITE + "/rest/api/2/issue/OPS-1");
    Answer paused = (Answer) gateway.handle(write).get();
    assertThat(write.sent).isEmpty();
    assertThat(paused.status()).isEqualTo(429);
    assertThat(paused.headers().first("X-Warden-Decision")).isEqualTo("throttled");
    assertThat(Long.parseLong(paused.headers().first("Retry-After"))).isBetween(25L, 30L);
    assertThat(paused.headers().first("X-Warden-Throttle")).as("the rule has no throttle").isNull();
    assertThat(paused.bodyText())
        .contains("warden: PUT /rest/api/2/issue/OPS-1 (editIssue) throttled: Jira asked to pause");
    assertThat(records.get(1).attributes())
        .containsEntry("warden.decision", "throttled")
        .containsEntry("http.response.status_code", 429L);

    // Reads of that issue, and writes to another, go on.
    FakeCall read = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    FakeCall other = FakeCall.of("PUT", SITE + "/rest/api/2/issue/OPS-2");
    assertThat(gateway.handle(read).get()).isEqualTo("native 200");
    assertThat(gateway.handle(other).get()).isEqualTo("native 200");
  }

  @Test
  void burstPausesOneEndpointAndMethodAndAQuotaPausesTheWholeSite() throws Exception {
    Gateway gateway = gateway("enforce");
    FakeCall search = FakeCall.of("GET", SITE + "/rest/api/3/search/jql?jql=project=OPS");
    search.resendable = false;
    answers(search, List.of(limited("Retry-After", "20", "RateLimit-Reason", "jira-burst-based")));
    gateway.handle(search).get();
    assertThat(
            ((Answer)
                    gateway.handle(FakeCall.of("GET", SITE + "/rest/api/3/search/jql?jql=x")).get())
                .status())
        .isEqualTo(429);
    assertThat(gateway.handle(FakeCall.of("GET", SITE + "/rest/api/3/issue/OPS-1")).get())
        .isEqualTo("native 200");

    FakeCall quota = FakeCall.of("GET", SITE + "/rest/api/3/issue/OPS-1");
    quota.resendable = false;
    answers(
        quota,
        List.of(
            limited(
                "X-RateLimit-Reset",
                resetIn(20_000),
                "RateLimit-Reason",
                "jira-quota-tenant-based")));
    gateway.handle(quota).get();
    assertThat(
            ((Answer) gateway.handle(FakeCall.of("GET", SITE + "/rest/api/2/serverInfo")).get())
                .status())
        .isEqualTo(429);
    assertThat(
            gateway
                .handle(FakeCall.of("GET", "https://beta.atlassian.net/rest/api/2/serverInfo"))
                .get())
        .as("another site")
        .isEqualTo("native 200");
  }

  @Test
  void callersInAPausedScopeWaitWhenItEndsWithinTheirMaxWait() throws Exception {
    Gateway gateway = gateway("enforce");
    FakeCall first = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    first.resendable = false;
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.now().plusSeconds(2).atZone(ZoneOffset.UTC));
    answers(first, List.of(limited("Retry-After", date)));
    gateway.handle(first).get();

    FakeCall waiting = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-2");
    waiting.blocking = false;
    CompletableFuture<Object> later = gateway.handle(waiting);
    assertThat(waiting.sent).as("held, on Warden's scheduler").isEmpty();
    assertThat(later.get()).isEqualTo("native 200");
    assertThat((Long) records.get(1).attribute("warden.throttle.wait_ms")).isGreaterThan(500L);
  }

  @Test
  void dryRunNeitherRetriesNorPauses() throws Exception {
    Gateway gateway = gateway("dry-run");
    FakeCall call = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    answers(call, List.of(limited("Retry-After", "1")));
    assertThat(gateway.handle(call).get()).isEqualTo("native 429");
    assertThat(call.sent).hasSize(1);
    assertThat(gateway.handle(FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1")).get())
        .isEqualTo("native 200");
  }

  @Test
  void nearLimitMakesEachRequestTakeTwoTokens() throws Exception {
    Gateway gateway = gateway("enforce");
    FakeCall near = FakeCall.of("GET", SITE + "/rest/api/3/project/OPS");
    near.network =
        r ->
            FakeCall.response(
                200,
                Headers.of("X-RateLimit-NearLimit", "true", "X-RateLimit-Reset", resetIn(30_000)));
    assertThat(gateway.handle(near).get()).isEqualTo("native 200");
    // One token was left of two; slowed, the next request needs two, so it waits a refill (30 s for
    // one).
    FakeCall next = FakeCall.of("GET", SITE + "/rest/api/3/project/OPS");
    next.blocking = false;
    gateway.handle(next);
    Thread.sleep(100);
    assertThat(next.sent).isEmpty();
    assertThat(records.get(0).attributes()).doesNotContainKey("warden.throttle.wait_ms");
  }

  @Test
  void unreadableBodyIsNotRetried() throws Exception {
    FakeCall call =
        new FakeCall("POST", SITE + "/rest/api/2/issue/OPS-1/comment", Headers.EMPTY, null) {
          @Override
          public WardenRequest request() {
            return new WardenRequest(
                "POST",
                request.uri(),
                Headers.EMPTY,
                dev.warden.agent.bootstrap.Body.lazy(() -> null));
          }
        };
    answers(call, List.of(limited("Retry-After", "0")));
    assertThat(gateway("enforce").handle(call).get()).isEqualTo("native 429");
    assertThat(call.sent).hasSize(1);
  }
}
