package dev.warden.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.audit.AuditSink;
import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.policy.PolicyHolder;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.secret.SecretResolver;
import io.github.bucket4j.TimeMeter;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTest {

  static final String SITE = "https://acme.atlassian.net";
  static final String TOKEN = "api-token-42";
  static final String AUTHORIZATION =
      "Basic "
          + Base64.getEncoder()
              .encodeToString(("bot@acme.example:" + TOKEN).getBytes(StandardCharsets.UTF_8));
  static final String POLICY =
      """
      version: 1
      mode: %s
      sites:
        - {id: acme, url: 'https://acme.atlassian.net', credential: bot}
        - {id: other-site, url: 'https://other.atlassian.net', credential: missing-secret}
        - {id: plain, url: 'http://jira.corp.example:8080', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
        missing-secret: {type: bearer, token: '${env:NOT_SET}'}
      throttles:
        tight: {capacity: 1, refill: 1/1m, max-wait: 0s}
        patient: {capacity: 1, refill: 10/1s, max-wait: 1s}
      rules:
        - {id: no-deletes, effect: deny, operations: deleteIssue}
        - {id: tight-search, effect: allow, operations: searchAndReconsileIssuesUsingJql, throttle: tight}
        - {id: patient-projects, effect: allow, operations: getProject, throttle: patient}
        - {id: creates, effect: allow, operations: createIssue, projects: OPS}
        - {id: reads, effect: allow, operations: [read:jira-work, unscoped]}
      """;

  @TempDir Path dir;
  final List<AuditRecord> records = new CopyOnWriteArrayList<>();
  final AtomicLong nanos = new AtomicLong();
  final TimeMeter clock =
      new TimeMeter() {
        @Override
        public long currentTimeNanos() {
          return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
          return false;
        }
      };
  ScheduledExecutorService scheduler;

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
    return gateway(file);
  }

  Gateway gateway(Path file) {
    PolicyHolder holder =
        new PolicyHolder(
            file,
            RouteCatalog.bundled(),
            new SecretResolver(Map.of("JIRA_TOKEN", TOKEN)::get),
            System::nanoTime);
    holder.loadInitial();
    AuditSink sink = records::add;
    return new Gateway(holder, sink, new ThrottleRegistry(clock), WardenClock.SYSTEM, scheduler);
  }

  static Object handle(Gateway gateway, FakeCall call) throws Exception {
    return gateway.handle(call).get();
  }

  @Test
  void everyHopAHookSeesIsRoutedByOneRule() throws Exception {
    Gateway gateway = gateway("enforce");
    URI site = URI.create(SITE + "/rest/api/3/myself");
    URI elsewhere = URI.create("https://files.example/attachment/1");
    assertThat(gateway.route(site, false)).isEqualTo(HopRoute.SITE);
    assertThat(gateway.route(site, true)).isEqualTo(HopRoute.SITE);
    assertThat(gateway.route(URI.create("http://acme.atlassian.net/rest"), false))
        .as("another scheme is another origin")
        .isEqualTo(HopRoute.UNTOUCHED);
    assertThat(gateway.route(elsewhere, false)).isEqualTo(HopRoute.UNTOUCHED);
    assertThat(gateway.route(elsewhere, false).edits()).isNull();
    assertThat(gateway.route("https", "acme.atlassian.net", 443, false)).isEqualTo(HopRoute.SITE);

    HopRoute offSite = gateway.route(elsewhere, true);
    assertThat(offSite).isEqualTo(HopRoute.OFF_SITE);
    Map<String, List<String>> fields = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    fields.put("Authorization", new java.util.ArrayList<>(List.of(AUTHORIZATION)));
    fields.put("Cookie", new java.util.ArrayList<>(List.of("JSESSIONID=abc")));
    fields.put("Accept", new java.util.ArrayList<>(List.of("application/json")));
    boolean toPipeline =
        offSite.applyTo(
            fields::remove,
            (name, value) ->
                fields.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value));
    assertThat(toPipeline).isFalse();
    assertThat(fields).containsOnlyKeys("Accept");
  }

  @Test
  void allowedRequestGetsTheSiteCredentialInsteadOfTheApplicationsOwn() throws Exception {
    FakeCall call =
        new FakeCall(
            "GET",
            SITE + "/rest/api/2/issue/OPS-1?os_username=me&os_password=pw&fields=summary",
            Headers.of(
                "Authorization",
                "Basic bogus",
                "Cookie",
                "JSESSIONID=abc; theme=dark; cloud.session.token=xyz",
                "Proxy-Authorization",
                "Basic proxy"),
            null);

    assertThat(handle(gateway("enforce"), call)).isEqualTo("native 200");

    WardenRequest sent = call.sent.get(0);
    assertThat(sent.headers().all("Authorization")).containsExactly(AUTHORIZATION);
    assertThat(sent.headers().all("Cookie")).containsExactly("theme=dark");
    assertThat(sent.headers().first("Proxy-Authorization")).isEqualTo("Basic proxy");
    assertThat(sent.uri().toString()).isEqualTo(SITE + "/rest/api/2/issue/OPS-1?fields=summary");
    AuditRecord record = records.get(0);
    assertThat(record.name()).isEqualTo("GET /rest/api/2/issue/{issueIdOrKey}");
    assertThat(record.attributes())
        .containsEntry(
            "url.full",
            SITE
                + "/rest/api/2/issue/OPS-1?os_username=REDACTED&os_password=REDACTED&fields=summary")
        .containsEntry("warden.decision", "allow")
        .containsEntry("warden.rule", "reads")
        .containsEntry("warden.credential", "bot")
        .containsEntry("http.response.status_code", 200L)
        .containsEntry("server.port", 443L)
        .containsKey("warden.caller");
  }

  @Test
  void aPlainHttpSitesRequestThroughAProxyIsNeverSent() throws Exception {
    Gateway gateway = gateway("enforce");
    String plain = "http://jira.corp.example:8080/rest/api/2/issue/OPS-1";
    FakeCall proxied = FakeCall.of("GET", plain);
    proxied.proxied = true;

    assertThatThrownBy(() -> handle(gateway, proxied))
        .rootCause()
        .isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith(
            "warden: a request to a Jira site over plain http:// through a proxy")
        .hasMessageNotContaining(TOKEN);
    assertThat(proxied.sent).isEmpty();
    assertThat(records)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.attributes().get(AuditAttributes.ERROR_TYPE))
                    .isEqualTo("java.io.IOException"));

    FakeCall tunnelled = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    tunnelled.proxied = true;
    handle(gateway, tunnelled);
    assertThat(tunnelled.sent).as("https:// goes through a tunnel").hasSize(1);
    FakeCall direct = FakeCall.of("GET", plain);
    handle(gateway, direct);
    assertThat(direct.sent).as("no proxy").hasSize(1);
  }

  @Test
  void deniedRequestIsAnsweredWithoutBeingSent() throws Exception {
    FakeCall call = FakeCall.of("DELETE", SITE + "/rest/api/3/issue/OPS-1");

    Answer answer = (Answer) handle(gateway("enforce"), call);

    assertThat(call.sent).isEmpty();
    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.headers().first("X-Warden-Rule")).isEqualTo("no-deletes");
    assertThat(answer.bodyText())
        .isEqualTo(
            "{\"errorMessages\":[\"warden: DELETE /rest/api/3/issue/OPS-1 (deleteIssue) denied by rule no-deletes\"],\"errors\":{}}");
    assertThat(records.get(0).attributes())
        .containsEntry("warden.decision", "deny")
        .containsEntry("error.type", "403")
        .doesNotContainKey("warden.credential");
  }

  @Test
  void createBodyDecidesByProject() throws Exception {
    Gateway gateway = gateway("enforce");
    FakeCall ops =
        new FakeCall(
            "POST",
            SITE + "/rest/api/2/issue",
            Headers.EMPTY,
            "{\"fields\":{\"project\":{\"key\":\"OPS\"}}}".getBytes());
    FakeCall hr =
        new FakeCall(
            "POST",
            SITE + "/rest/api/2/issue",
            Headers.EMPTY,
            "{\"fields\":{\"project\":{\"key\":\"HR\"}}}".getBytes());

    assertThat(handle(gateway, ops)).isEqualTo("native 200");
    assertThat(((Answer) handle(gateway, hr)).status()).isEqualTo(403);
    assertThat(records)
        .extracting(r -> r.attribute("jira.project.key") + "=" + r.attribute("warden.decision"))
        .containsExactly("OPS=allow", "HR=deny");
  }

  @Test
  void dryRunSendsWhatWouldBeDeniedAndAuditsIt() throws Exception {
    FakeCall call = FakeCall.of("DELETE", SITE + "/rest/api/3/issue/OPS-1");

    assertThat(handle(gateway("dry-run"), call)).isEqualTo("native 200");

    assertThat(call.sent)
        .singleElement()
        .satisfies(r -> assertThat(r.headers().first("Authorization")).isEqualTo(AUTHORIZATION));
    assertThat(records.get(0).attributes())
        .containsEntry("warden.decision", "would-deny")
        .containsEntry("warden.rule", "no-deletes");
  }

  @Test
  void throttlePastMaxWaitAnswers429WithRetryAfterAndDryRunOnlyAuditsIt() throws Exception {
    Gateway gateway = gateway("enforce");
    assertThat(handle(gateway, FakeCall.of("GET", SITE + "/rest/api/3/search/jql")))
        .isEqualTo("native 200");
    Answer refused = (Answer) handle(gateway, FakeCall.of("GET", SITE + "/rest/api/3/search/jql"));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.headers().first("Retry-After")).isEqualTo("60");
    assertThat(refused.headers().first("X-Warden-Throttle")).isEqualTo("tight");
    assertThat(records.get(1).attributes()).containsEntry("warden.decision", "throttled");

    Gateway dryRun = gateway("dry-run");
    handle(dryRun, FakeCall.of("GET", SITE + "/rest/api/3/search/jql"));
    assertThat(handle(dryRun, FakeCall.of("GET", SITE + "/rest/api/3/search/jql")))
        .isEqualTo("native 200");
    assertThat(records.get(3).attributes()).containsEntry("warden.decision", "would-throttle");
  }

  @Test
  void throttleWaitIsScheduledForAsynchronousClientsAndAudited() throws Exception {
    Gateway gateway = gateway("enforce");
    handle(gateway, FakeCall.of("GET", SITE + "/rest/api/3/project/OPS"));
    FakeCall second = FakeCall.of("GET", SITE + "/rest/api/3/project/OPS");
    second.blocking = false;
    CompletableFuture<Object> result = gateway.handle(second);
    // The bucket wants 100ms for the next token; the clock the bucket reads has not moved, so the
    // wait is the full refill period of one token, spent on Warden's scheduler, not this thread.
    assertThat(second.sent).isEmpty();
    assertThat(result.get()).isEqualTo("native 200");
    assertThat(records.get(1).attributes())
        .containsEntry("warden.throttle.wait_ms", 100L)
        .containsEntry("warden.decision", "allow");
  }

  @Test
  void unavailableCredentialIsA503NamingItAndNeverSent() throws Exception {
    FakeCall call = FakeCall.of("GET", "https://other.atlassian.net/rest/api/2/issue/OPS-1");

    Answer answer = (Answer) handle(gateway("enforce"), call);

    assertThat(call.sent).isEmpty();
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.headers().first("X-Warden-Decision")).isEqualTo("unavailable");
    assertThat(answer.message())
        .isEqualTo(
            "warden: credential 'missing-secret' of site 'other-site' is unavailable: environment variable NOT_SET is not set");
    assertThat(records.get(0).attributes()).containsEntry("warden.decision", "unavailable");
  }

  @Test
  void clientErrorsReachTheApplicationAsTheClientRaisedThemAndAreAudited() throws Exception {
    FakeCall call = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    call.network = r -> CompletableFuture.failedFuture(new ConnectException("Connection refused"));

    assertThatThrownBy(() -> handle(gateway("enforce"), call))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ConnectException.class);
    assertThat(records.get(0).attributes())
        .containsEntry("error.type", "java.net.ConnectException")
        .doesNotContainKey("http.response.status_code");
  }

  @Test
  void internalErrorsFailClosedWithA503() throws Exception {
    FakeCall call =
        new FakeCall("GET", SITE + "/rest/api/2/issue/OPS-1", Headers.EMPTY, null) {
          @Override
          public CompletableFuture<dev.warden.agent.bootstrap.WardenResponse> send(
              WardenRequest outgoing, Discarded discard) {
            throw new IllegalStateException("a bug in a hook");
          }
        };

    Answer answer = (Answer) handle(gateway("enforce"), call);

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.message()).isEqualTo("warden: internal error; the request was not sent");
  }

  @Test
  void pathsOutsideTheSiteAndOtherHostsPassUntouched() throws Exception {
    Path file = dir.resolve("ctx.yaml");
    Files.writeString(
        file,
        POLICY
            .formatted("enforce")
            .replace("'https://acme.atlassian.net'", "'https://acme.atlassian.net/jira'"));
    FakeCall outside =
        new FakeCall(
            "DELETE",
            SITE + "/other/rest/api/2/issue/OPS-1",
            Headers.of("Authorization", "Basic app"),
            null);

    assertThat(handle(gateway(file), outside)).isEqualTo("native 200");

    assertThat(outside.sent)
        .singleElement()
        .satisfies(r -> assertThat(r.headers().first("Authorization")).isEqualTo("Basic app"));
    assertThat(records).isEmpty();
  }

  @Test
  void redirectToAnotherHostCarriesNoCredentialAndAHopToASiteIsDecidedAnew() throws Exception {
    FakeCall call = FakeCall.of("GET", SITE + "/rest/api/3/attachment/content/1");
    call.redirects = new RedirectPolicy(Set.of(302, 303), 5, true, false, Set.of(302));
    call.network =
        r ->
            switch (r.uri().getHost()) {
              case "acme.atlassian.net" ->
                  r.uri().getPath().contains("attachment")
                      ? FakeCall.response(
                          303, Headers.of("Location", "https://media.example.com/file/1"))
                      : FakeCall.ok(200);
              case "media.example.com" ->
                  FakeCall.response(302, Headers.of("Location", SITE + "/rest/api/3/issue/OPS-1"));
              default -> FakeCall.ok(500);
            };

    assertThat(handle(gateway("enforce"), call)).isEqualTo("native 200");

    assertThat(call.sent)
        .extracting(r -> r.uri() + " " + r.headers().first("Authorization"))
        .containsExactly(
            SITE + "/rest/api/3/attachment/content/1 " + AUTHORIZATION,
            "https://media.example.com/file/1 null",
            SITE + "/rest/api/3/issue/OPS-1 " + AUTHORIZATION);
    assertThat(call.discarded).hasSize(2);
    assertThat(records)
        .extracting(AuditRecord::name)
        .containsExactly(
            "GET /rest/api/3/attachment/content/{id}", "GET /rest/api/3/issue/{issueIdOrKey}");
  }

  @Test
  void brokenPolicyRefusesItsSitesWith503AndLetsEverythingElseThrough() throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, POLICY.formatted("enforce").replace("effect: deny", "effect: refuse"));
    Gateway gateway = gateway(file);
    FakeCall jira = FakeCall.of("GET", SITE + "/rest/api/2/issue/OPS-1");
    FakeCall other = FakeCall.of("GET", "https://example.com/");

    Answer answer = (Answer) handle(gateway, jira);
    assertThat(handle(gateway, other)).isEqualTo("native 200");

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.message())
        .startsWith("warden: policy " + file + " is not usable (" + file + ":")
        .contains("must be allow or deny");
    assertThat(jira.sent).isEmpty();
    assertThat(gateway.isSiteOrigin("https", "acme.atlassian.net", 443)).isTrue();
    assertThat(records)
        .singleElement()
        .satisfies(r -> assertThat(r.attributes()).containsEntry("warden.decision", "unavailable"));
  }
}
