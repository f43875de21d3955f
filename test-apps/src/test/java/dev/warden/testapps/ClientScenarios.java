package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.create;
import static dev.warden.testapps.Steps.withBody;
import static dev.warden.testapps.Steps.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.testapps.fakejira.Received;
import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scenarios every hooked client must pass, each in a real JVM started with {@code
 * -javaagent:agent/target/warden-agent.jar} against the fake Jira. Subclasses name the client.
 */
abstract class ClientScenarios {

  static final String POLICY =
      """
      version: 1
      # Every scenario runs with raw connections to Jira refused: a hooked client must never be.
      unmanaged-egress: block
      caller-skip: [com.acme.http.**]
      sites:
        - id: jira
          url: {jira}
          credential: bot
        - id: jira-tls
          url: {jira-tls}
          credential: bot
        # The same fake Jira by other names (the shared run's hosts file maps them to 127.0.0.1).
        - id: jira-named
          url: http://jira.acme.test:{jira-port}
          credential: bot
        - id: jira-idn
          url: http://bücher.acme.test:{jira-port}
          credential: bot
        # Nothing listens there: a call to it is refused.
        - id: jira-down
          url: {down}
          credential: bot
      credentials:
        bot:
          type: basic
          username: bot@acme.example
          password: ${env:JIRA_TOKEN}
      throttles:
        one-a-minute:
          capacity: 1
          refill: 1/1m
          max-wait: 0s
      retry:
        max-elapsed: 10s
      rules:
        - id: no-deletes
          effect: deny
          operations: [deleteIssue]
        - id: triage-creates
          effect: allow
          callers: com.acme.triage.**
          operations: [createIssue, createIssues]
          projects: [OPS]
        - id: reports-throttled
          effect: allow
          callers: com.acme.reports.*
          operations: [read:jira-work]
          throttle: one-a-minute
        - id: reads
          effect: allow
          operations: [read:jira-work, read:jira-user, unscoped]
      """;

  @RegisterExtension static final Harness harness = new Harness();
  static Path policy;

  /** The URL of a site where nothing listens (a port just closed). */
  static String down;

  /** The client's name as the sample application takes it. */
  abstract String client();

  /**
   * The client library of the version matrix the sample application runs on, or {@code null} for a
   * JDK client.
   */
  String library() {
    return null;
  }

  /**
   * Whether Warden can send a request again through this client, to retry Jira's 429 (a client that
   * sends each request exactly once hands Jira's 429 to the application; its scope still pauses).
   */
  boolean resendsJira429() {
    return true;
  }

  /** Whether the client speaks HTTP/2 (over TLS, negotiated by ALPN). */
  boolean http2() {
    return client().startsWith("jdk") || client().startsWith("okhttp");
  }

  /**
   * The protocol the fake Jira sees over TLS (a client may negotiate HTTP/2 by ALPN on its own).
   */
  String tlsProtocol() {
    return http2() ? "HTTP/2.0" : "HTTP/1.1";
  }

  @BeforeAll
  static void writePolicy() throws Exception {
    policy = harness.policy(policyText());
  }

  /**
   * The scenarios' policy, its site where nothing listens on a port just closed ({@link #down}).
   */
  static String policyText() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      down = "http://127.0.0.1:" + socket.getLocalPort();
    }
    return POLICY.replace("{down}", down);
  }

  /** JVM options the client needs on this JDK, with or without the agent. */
  List<String> clientJavaOptions() {
    return List.of();
  }

  AppLauncher app() {
    return callers(client(harness.app(policy).javaOptions(clientJavaOptions())));
  }

  /**
   * The sample application, told which client to call through: the scripted client on the library's
   * class path by default; a framework application overrides this to run its own jar.
   */
  AppLauncher client(AppLauncher app) {
    app.args("--client", client());
    if (library() != null) {
      app.library(library());
    }
    return app;
  }

  /** Whether the application can tell which HTTP version its client spoke. */
  boolean reportsVersion() {
    return true;
  }

  /** On Java 21 and newer, the application's calls are made from virtual threads. */
  static AppLauncher callers(AppLauncher app) {
    return AppLauncher.javaFeature() >= 21 ? app.args("--virtual-threads") : app;
  }

  AppRun run(List<java.util.Map<String, Object>> steps, String... extraArgs) throws Exception {
    return run(app(), steps, extraArgs);
  }

  AppRun run(AppLauncher app, List<java.util.Map<String, Object>> steps, String... extraArgs)
      throws Exception {
    app.args(extraArgs);
    app.args(harness.steps(steps).toString());
    AppRun run = app.run();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.suppressed())
        .as("Hooks.suppressedCount() at exit, as the probe reported it")
        .isEqualTo("0");
    return run;
  }

  List<Received> jiraReceived(String method, String pathPart) {
    return harness
        .jira
        .journal()
        .matching(r -> r.method().equals(method) && r.path().contains(pathPart));
  }

  static final String BOGUS = "Basic Ym9ndXM6Ym9ndXM=";
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT = "00f067aa0ba902b7";

  // The steps of the shared run, by number.
  static final int ALLOWED = 1;
  static final int BOGUS_AUTHORIZATION = 2;
  static final int NO_AUTHORIZATION = 3;
  static final int DELETE = 4;
  static final int CREATE_OPS = 5;
  static final int CREATE_HR = 6;
  static final int OTHER_HOST = 7;
  static final int THROTTLED_FIRST = 8;
  static final int THROTTLED_SECOND = 9;
  static final int TRACED = 10;
  static final int CONCURRENT = 11;
  static final int REDIRECTED = 12;
  static final int TIMED_OUT = 13;
  static final int LEAKY_QUERY = 14;
  static final int SESSION_COOKIE = 15;
  // Attempts to get past Warden (README, "Threat model").
  static final int UPPER_CASE_HOST = 16;
  static final int TRAILING_DOT = 17;
  static final int IDN_HOST = 18;
  static final int SHORT_IP = 19;
  static final int OTHER_NAME = 20;
  static final int METHOD_OVERRIDE = 21;
  static final int TWO_AUTHORIZATIONS = 22;
  static final int TWO_AUTHORIZATIONS_TLS = 23;
  static final int USER_INFO = 24;
  static final int BOUNCED_BACK = 25;
  static final int BOUNCED_TO_DENIED = 26;
  static final int SMUGGLED = 27;
  // Last: Jira's quota 429 pauses the site for the rest of the run.
  static final int RETRIED_CREATE = 28;
  static final int QUOTA_429 = 29;
  static final int PAUSED = 30;
  static final int OTHER_SITE = 31;
  static final int REFUSED = 32;

  /**
   * The spans the shared run's calls make at least: every call to a site, fifty at once included,
   * and the bypass attempts' (a client may refuse some of those before it sends).
   */
  static final int SHARED_SPANS = 79;

  /** The names the shared run's hosts file maps to the loopback address, as DNS would. */
  static final List<String> FAKE_NAMES =
      List.of(
          "localhost",
          "jira.acme.test",
          // A resolver takes any case and an absolute name; the JDK's hosts file only as written.
          "JIRA.ACME.TEST",
          "jira.acme.test.",
          "xn--bcher-kva.acme.test");

  /** The application's own password in a URL: it must reach neither Jira nor the audit. */
  static final String USER_INFO_PASSWORD = "userinfo-secret-4711";

  /** A request smuggled in a body behind a chunked end, should anything read it so. */
  static final String SMUGGLED_BODY =
      "0\r\n\r\nDELETE /rest/api/2/issue/OPS-4 HTTP/1.1\r\nHost: jira\r\nContent-Length: 0\r\n\r\n";

  /** A slow read, through a client with a read timeout of its own. */
  static java.util.Map<String, Object> timedOut() {
    return Steps.with(
        withHeader(call("sync", "GET", "{jira}/rest/api/3/issue/HR-1"), "X-Fake-Delay-Ms", "2500"),
        "readTimeoutMs",
        800);
  }

  /** A call to the site where nothing listens. */
  static java.util.Map<String, Object> refused() {
    return call("sync", "GET", down + "/rest/api/2/issue/OPS-1");
  }

  /**
   * Every scenario in one run of the application (redirects followed, Warden's log at debug, its
   * audit also in a file), each call on a URL of its own, Jira's quota 429 that pauses the site
   * last; a step that needs its client configured otherwise (a read timeout, HTTP/2) goes through a
   * second client of the same library: one JVM for all of them.
   */
  List<java.util.Map<String, Object>> sharedSteps() {
    java.util.Map<String, Object> tls = call("sync", "GET", "{jira-tls}/rest/api/3/issue/SUP-1");
    java.util.Map<String, Object> tlsTwo =
        call("sync", "GET", "{jira-tls}/rest/api/3/issue/SUP-1?case=two-tls");
    return List.of(
        call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
        withHeader(call("sync", "GET", "{jira}/rest/api/3/myself"), "Authorization", BOGUS),
        call("sync", "GET", "{jira}/rest/api/2/myself"),
        call("triage", "DELETE", "{jira}/rest/api/2/issue/OPS-2"),
        withBody(
            withHeader(
                call("triage", "POST", "{jira}/rest/api/2/issue"),
                "Content-Type",
                "application/json"),
            create("OPS", "allowed")),
        withBody(
            withHeader(
                call("triage", "POST", "{jira}/rest/api/2/issue"),
                "Content-Type",
                "application/json"),
            create("HR", "denied")),
        withHeader(call("sync", "GET", "{echo}/status"), "Authorization", "Bearer the-apps-own"),
        call("reports", "GET", "{jira}/rest/api/2/issue/OPS-2"),
        call("reports", "GET", "{jira}/rest/api/2/issue/OPS-2"),
        withHeader(
            call("sync", "GET", "{jira}/rest/api/2/issue/SUP-1"),
            "traceparent",
            "00-" + TRACE + "-" + PARENT + "-00"),
        Steps.with(call("sync", "GET", "{jira}/rest/api/2/issue/HR-1"), "parallel", 50),
        call("sync", "GET", "{jira}/rest/api/3/attachment/content/10001"),
        timedOut(),
        call(
            "sync",
            "GET",
            "{jira}/rest/api/latest/issue/OPS-1?os_password=leaked-" + harness.token),
        withHeader(
            call("sync", "GET", "{jira}/rest/api/3/issue/OPS-2"),
            "Cookie",
            "JSESSIONID=app-session; theme=dark"),
        call("sync", "GET", "http://JIRA.ACME.TEST:{jira-port}/rest/api/2/issue/OPS-1?case=upper"),
        call("sync", "GET", "http://jira.acme.test.:{jira-port}/rest/api/2/issue/OPS-1?case=dot"),
        call(
            "sync",
            "GET",
            "http://xn--bcher-kva.acme.test:{jira-port}/rest/api/2/issue/OPS-1?case=idn"),
        call("sync", "GET", "http://127.1:{jira-port}/rest/api/2/issue/OPS-1?case=short-ip"),
        call("sync", "GET", "http://localhost:{jira-port}/rest/api/2/issue/OPS-1?case=other-name"),
        withHeader(
            withBody(
                withHeader(
                    call("triage", "POST", "{jira}/rest/api/2/issue?_method=DELETE&case=override"),
                    "Content-Type",
                    "application/json"),
                create("OPS", "override")),
            "X-HTTP-Method-Override",
            "DELETE"),
        twoAuthorizations(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1?case=two")),
        http2() ? Steps.with(twoAuthorizations(tlsTwo), "http2", true) : twoAuthorizations(tlsTwo),
        call(
            "sync",
            "GET",
            "http://app:"
                + USER_INFO_PASSWORD
                + "@127.0.0.1:{jira-port}/rest/api/2/issue/OPS-1?case=userinfo"),
        call("sync", "GET", "{jira}/rest/api/2/issue/OPS-98?case=bounce"),
        call("sync", "GET", "{jira}/rest/api/2/issue/OPS-99?case=bounce-denied"),
        withHeader(
            withHeader(
                withBody(
                    withHeader(
                        call("sync", "POST", "{jira}/rest/api/2/search?case=smuggle"),
                        "Content-Type",
                        "application/json"),
                    SMUGGLED_BODY),
                "Transfer-Encoding",
                "chunked"),
            "Content-Length",
            "4"),
        withBody(
            withHeader(
                call("triage", "POST", "{jira}/rest/api/3/issue"),
                "Content-Type",
                "application/json"),
            create("OPS", "retried")),
        call("sync", "GET", "{jira}/rest/api/3/issue/OPS-1"),
        call("sync", "GET", "{jira}/rest/api/3/issue/OPS-1"),
        http2() ? Steps.with(tls, "http2", true) : tls,
        refused());
  }

  /** A call with two {@code Authorization} fields of its own, named in different case. */
  static java.util.Map<String, Object> twoAuthorizations(java.util.Map<String, Object> step) {
    return withHeader(withHeader(step, "authorization", BOGUS), "AUTHORIZATION", "Bearer bogus-2");
  }

  /** What the shared run's application printed, and what Jira, the other host and OTLP got. */
  record Shared(
      AppRun run, List<Received> jira, List<Received> echo, List<ReceivedSpan> spans, Path audit) {

    /** What Jira got of this method on exactly this path (and no query). */
    List<Received> jira(String method, String path) {
      return jira.stream()
          .filter(r -> r.method().equals(method) && r.path().equals(path) && r.query() == null)
          .toList();
    }

    /** What Jira got of the bypass case {@code name} ({@code case=name} in its query). */
    List<Received> jiraCase(String name) {
      return jira.stream().filter(r -> hasCase(r.query(), name)).toList();
    }

    /** The spans of the bypass case {@code name}. */
    List<ReceivedSpan> spansOfCase(String name) {
      return spans.stream()
          .filter(s -> hasCase(queryOf(String.valueOf(s.attribute("url.full"))), name))
          .toList();
    }

    private static String queryOf(String url) {
      int q = url.indexOf('?');
      return q < 0 ? null : url.substring(q + 1);
    }

    private static boolean hasCase(String query, String name) {
      return query != null && List.of(query.split("&")).contains("case=" + name);
    }

    /** The one span of this URL. */
    ReceivedSpan span(String url) {
      List<ReceivedSpan> matching =
          spans.stream().filter(s -> url.equals(s.attribute("url.full"))).toList();
      assertThat(matching).as("the spans of %s", url).hasSize(1);
      return matching.get(0);
    }
  }

  private static final java.util.Map<Class<?>, Shared> SHARED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A redirect to the other host's {@code /bounce}, which sends the client on to {@code to}. */
  static java.util.Map<String, String> bounce(String to) {
    return java.util.Map.of(
        "Location",
        harness.echo.url()
            + "/bounce?to="
            + java.net.URLEncoder.encode(to, java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * JVM options that resolve {@link #FAKE_NAMES} to the loopback address from a hosts file of the
   * run's own (and make Vert.x resolve through the JDK, as it does with this option).
   */
  static List<String> fakeNames() throws java.io.IOException {
    Path hosts = harness.dir.resolve("hosts");
    StringBuilder text = new StringBuilder();
    for (String name : FAKE_NAMES) {
      text.append("127.0.0.1 ").append(name).append('\n');
    }
    java.nio.file.Files.writeString(hosts, text);
    return List.of("-Djdk.net.hosts.file=" + hosts, "-Dvertx.disableDnsResolver=true");
  }

  /** The shared run of this client, made by the first test that needs it. */
  Shared shared() throws Exception {
    Shared done = SHARED.get(getClass());
    if (done != null) {
      return done;
    }
    harness.clear();
    String limited = "{\"errorMessages\":[\"Rate limit exceeded.\"],\"errors\":{}}";
    // The create's first attempt meets Jira's burst limit; the read meets a quota that resets in 30
    // s.
    harness.jira.failNext(
        "POST",
        "/rest/api/3/issue",
        429,
        java.util.Map.of("Retry-After", "1", "RateLimit-Reason", "jira-burst-based"),
        limited);
    harness.jira.failNext(
        "GET",
        "/rest/api/3/issue/OPS-1",
        429,
        java.util.Map.of(
            "X-RateLimit-Reset",
            java.time.Instant.now().plusSeconds(30).toString(),
            "RateLimit-Reason",
            "jira-quota-tenant-based"),
        limited);
    // Chains that leave Jira for another host, which sends them back: to a read, and to a call
    // that no rule allows.
    String jira = harness.jira.url().toString();
    harness.jira.failNext(
        "GET", "/issue/OPS-98", 302, bounce(jira + "/rest/api/2/issue/SUP-1?case=bounced"), "");
    harness.jira.failNext(
        "GET", "/issue/OPS-99", 302, bounce(jira + "/rest/api/2/webhook?case=bounced-denied"), "");
    // Redirects followed by the client (none of the other calls is answered with one).
    Path audit = harness.dir.resolve("audit-" + getClass().getSimpleName() + ".jsonl");
    AppRun run =
        run(
            app()
                .agentArgument("log.level", "debug")
                .agentArgument("audit.file", audit.toString())
                .javaOptions(fakeNames()),
            sharedSteps(),
            "--follow-redirects");
    harness.spans(s -> true, SHARED_SPANS);
    // Anything late (a span that should not be) has time to arrive.
    Thread.sleep(300);
    Shared made =
        new Shared(
            run,
            List.copyOf(harness.jira.journal().all()),
            List.copyOf(harness.echo.journal().all()),
            List.copyOf(harness.otlp.spans()),
            audit);
    SHARED.put(getClass(), made);
    return made;
  }

  @Test
  void allowedCallIsAuthenticatedWithTheSiteCredential() throws Exception {
    Shared shared = shared();
    JsonNode result = shared.run.step(ALLOWED);
    assertThat(result.path("status").asInt()).isEqualTo(200);
    assertThat(result.path("body").asText()).contains("\"key\":\"OPS-1\"");
    List<Received> received = shared.jira("GET", "/rest/api/2/issue/OPS-1");
    assertThat(received)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization());
              assertThat(r.principal()).isEqualTo("basic:" + Harness.USER);
            });
    ReceivedSpan span = shared.span(harness.jira.url() + "/rest/api/2/issue/OPS-1");
    assertThat(span.name()).isEqualTo("GET /rest/api/2/issue/{issueIdOrKey}");
    assertThat(span.kind()).isEqualTo("SPAN_KIND_CLIENT");
    assertThat(span.service()).isEqualTo("acme-jira-sync");
    assertThat(span.attributes())
        .containsEntry("http.request.method", "GET")
        .containsEntry("url.full", harness.jira.url() + "/rest/api/2/issue/OPS-1")
        .containsEntry("server.address", "127.0.0.1")
        .containsEntry("server.port", (long) harness.jira.url().getPort())
        .containsEntry("url.template", "/rest/api/2/issue/{issueIdOrKey}")
        .containsEntry("http.response.status_code", 200L)
        .containsEntry("jira.site", "jira")
        .containsEntry("jira.operation", "getIssue")
        .containsEntry("jira.scope", "read:jira-work")
        .containsEntry("jira.project.key", "OPS")
        .containsEntry("jira.issue.key", "OPS-1")
        .containsEntry("warden.decision", "allow")
        .containsEntry("warden.rule", "reads")
        .containsEntry("warden.caller", "com.acme.sync.IssueSync.call")
        .containsEntry("warden.credential", "bot")
        .doesNotContainKey("error.type")
        .doesNotContainKey("http.request.resend_count");
  }

  @Test
  void applicationsOwnAuthorizationIsReplacedAndCannotBeReadBack() throws Exception {
    Shared shared = shared();
    JsonNode result = shared.run.step(BOGUS_AUTHORIZATION);
    assertThat(result.path("status").asInt()).isEqualTo(200);
    assertThat(shared.jira("GET", "/rest/api/3/myself"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.headers().get("authorization"))
                    .containsExactly(harness.expectedAuthorization()));
    String visible = result.path("visibleAuthorization").asText(null);
    assertThat(visible)
        .isNotEqualTo(harness.expectedAuthorization())
        .satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).isEqualTo(BOGUS));
    // Apache HttpClient's execution context holds the request the client last worked on: not
    // Warden's either.
    String inContext = result.path("contextAuthorization").asText(null);
    assertThat(inContext)
        .isNotEqualTo(harness.expectedAuthorization())
        .satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).isEqualTo(BOGUS));
  }

  @Test
  void theSiteCredentialCannotBeReadBackWhenTheApplicationSentNone() throws Exception {
    Shared shared = shared();
    JsonNode result = shared.run.step(NO_AUTHORIZATION);
    assertThat(result.path("status").asInt()).as(shared.run.toString()).isEqualTo(200);
    assertThat(result.path("visibleAuthorization").asText(null)).isNull();
    assertThat(result.path("contextAuthorization").asText(null)).isNull();
    assertThat(shared.jira("GET", "/rest/api/2/myself"))
        .singleElement()
        .satisfies(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));
  }

  @Test
  void httpsCallIsAuthenticated() throws Exception {
    Shared shared = shared();
    JsonNode tls = shared.run.step(OTHER_SITE);

    assertThat(tls.path("status").asInt()).as(shared.run.toString()).isEqualTo(200);
    if (reportsVersion()) {
      assertThat(tls.path("version").asText()).isEqualTo(http2() ? "HTTP_2" : "HTTP_1_1");
    }
    assertThat(shared.jira("GET", "/rest/api/3/issue/SUP-1"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization());
              assertThat(r.protocol()).isEqualTo(tlsProtocol());
            });
    assertThat(shared.span(harness.jira.httpsUrl() + "/rest/api/3/issue/SUP-1").attributes())
        .containsEntry("jira.site", "jira-tls")
        .containsEntry("server.address", "localhost");
  }

  @Test
  void deniedDeleteNeverReachesJira() throws Exception {
    Shared shared = shared();
    JsonNode result = shared.run.step(DELETE);
    assertThat(result.path("status").asInt()).isEqualTo(403);
    assertThat(result.path("headers").path("x-warden-decision").asText()).isEqualTo("deny");
    assertThat(result.path("headers").path("x-warden-rule").asText()).isEqualTo("no-deletes");
    assertThat(result.path("headers").path("content-type").asText()).startsWith("application/json");
    assertThat(Harness.JSON.readTree(result.path("body").asText()))
        .isEqualTo(
            Harness.JSON.readTree(
                "{\"errorMessages\":[\"warden: DELETE /rest/api/2/issue/OPS-2 (deleteIssue) denied by rule no-deletes\"],\"errors\":{}}"));
    assertThat(shared.jira.stream().filter(r -> r.method().equals("DELETE"))).isEmpty();
    ReceivedSpan span =
        shared.spans.stream().filter(s -> s.name().startsWith("DELETE")).findFirst().orElseThrow();
    assertThat(span.attributes())
        .containsEntry("warden.decision", "deny")
        .containsEntry("warden.rule", "no-deletes")
        .containsEntry("http.response.status_code", 403L)
        .containsEntry("error.type", "403")
        .containsEntry("warden.caller", "com.acme.triage.TriageBot.call")
        .doesNotContainKey("warden.credential");
  }

  @Test
  void createIsAllowedInOneProjectAndDeniedInAnother() throws Exception {
    Shared shared = shared();
    assertThat(shared.run.step(CREATE_OPS).path("status").asInt()).isEqualTo(201);
    assertThat(shared.run.step(CREATE_OPS).path("body").asText()).contains("\"key\":\"OPS-");
    assertThat(shared.run.step(CREATE_HR).path("status").asInt()).isEqualTo(403);
    assertThat(shared.run.step(CREATE_HR).path("headers").path("x-warden-rule").asText())
        .isEqualTo("default-deny");
    assertThat(shared.jira("POST", "/rest/api/2/issue"))
        .singleElement()
        .satisfies(r -> assertThat(r.body()).isEqualTo(create("OPS", "allowed")));
    assertThat(shared.spans)
        .filteredOn(s -> s.name().equals("POST /rest/api/2/issue"))
        .filteredOn(s -> !String.valueOf(s.attribute("url.full")).contains("case="))
        .extracting(s -> s.attribute("jira.project.key") + " " + s.attribute("warden.decision"))
        .containsExactlyInAnyOrder("OPS allow", "HR deny");
  }

  @Test
  void nonJiraHostGetsTheApplicationsOwnHeaderAndNeverTheCredential() throws Exception {
    Shared shared = shared();
    assertThat(shared.run.step(OTHER_HOST).path("status").asInt()).isEqualTo(200);
    assertThat(shared.echo)
        .filteredOn(r -> r.path().equals("/status"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.headers().get("authorization")).containsExactly("Bearer the-apps-own");
            });
    assertThat(shared.spans)
        .noneSatisfy(s -> assertThat(String.valueOf(s.attribute("url.full"))).contains("/status"));
  }

  @Test
  void redirectToAnotherHostDropsTheCredential() throws Exception {
    Shared shared = shared();
    assertThat(shared.run.step(REDIRECTED).path("status").asInt()).isEqualTo(200);
    assertThat(shared.jira("GET", "/rest/api/3/attachment/content/10001"))
        .singleElement()
        .satisfies(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));
    assertThat(shared.echo)
        .filteredOn(r -> r.path().startsWith("/file/"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path()).isEqualTo("/file/10001");
              assertThat(r.header("Authorization")).isNull();
            });
    ReceivedSpan span = shared.span(harness.jira.url() + "/rest/api/3/attachment/content/10001");
    // A client that shows Warden every hop (OkHttp) has the whole call's status; where Warden
    // follows the hops itself, the hop's.
    assertThat(span.attributes()).containsEntry("jira.operation", "getAttachmentContent");
    assertThat(span.attribute("http.response.status_code")).isIn(200L, 303L);
    assertThat(shared.spans)
        .as("the hop to the other host is not audited")
        .noneSatisfy(
            s -> assertThat(String.valueOf(s.attribute("url.full"))).contains("/file/10001"));
  }

  /**
   * The spellings of the site's host ({@code upper}, {@code idn}, {@code short-ip}) that this
   * client refuses itself, before any connection.
   */
  java.util.Set<String> refusedByTheClient() {
    return java.util.Set.of();
  }

  @Test
  void everySpellingOfTheSitesHostIsTheSite() throws Exception {
    Shared shared = shared();
    java.util.Map<Integer, String> sites =
        java.util.Map.of(
            UPPER_CASE_HOST, "upper jira-named",
            IDN_HOST, "idn jira-idn",
            SHORT_IP, "short-ip jira");
    sites.forEach(
        (step, caseAndSite) -> {
          String name = caseAndSite.split(" ")[0];
          String site = caseAndSite.split(" ")[1];
          JsonNode result = shared.run.step(step);
          if (refusedByTheClient().contains(name)) {
            // The client's own refusal, as without Warden: nothing reaches Jira.
            assertThat(result.path("error").asText()).as(name).isNotEmpty();
            assertThat(result.path("message").asText()).as(name).doesNotStartWith("warden:");
            assertThat(shared.jiraCase(name)).as(name).isEmpty();
            return;
          }
          assertThat(result.path("status").asInt()).as("%s: %s", name, shared.run).isEqualTo(200);
          assertThat(shared.jiraCase(name))
              .as(name)
              .singleElement()
              .satisfies(
                  r ->
                      assertThat(r.headers().get("authorization"))
                          .containsExactly(harness.expectedAuthorization()));
          assertThat(shared.spansOfCase(name))
              .as(name)
              .singleElement()
              .satisfies(
                  span ->
                      assertThat(span.attributes())
                          .containsEntry("jira.site", site)
                          .containsEntry("jira.operation", "getIssue")
                          .containsEntry("warden.decision", "allow"));
        });
  }

  @Test
  void anotherNameForTheSitesAddressIsRefusedAsUnmanaged() throws Exception {
    Shared shared = shared();
    // Not a site by its name, so no credential and no decision: the connection to the site's
    // address is what Warden sees, and unmanaged-egress: block refuses it. A name with a trailing
    // dot is one too: absolute, it may be another host than the site's found through a search
    // domain.
    for (String name : List.of("other-name", "dot")) {
      JsonNode result = shared.run.step(name.equals("dot") ? TRAILING_DOT : OTHER_NAME);
      if (!seesRawConnects()) {
        // A native transport's connect is out of Warden's sight (CONTRACT section 3): Jira gets
        // the request with no credential at all.
        assertThat(result.path("status").asInt()).as(shared.run.toString()).isEqualTo(401);
        assertThat(shared.jiraCase(name))
            .singleElement()
            .satisfies(r -> assertThat(r.headers()).doesNotContainKey("authorization"));
        continue;
      }
      assertThat(result.path("status").asInt()).as("%s: %s", name, shared.run).isZero();
      // The refusal is the connect's ConnectException, which some clients wrap in their own.
      assertThat(result.path("error").asText()).isNotEmpty();
      assertThat(shared.jiraCase(name)).isEmpty();
    }
    if (!seesRawConnects()) {
      return;
    }
    assertThat(shared.spans)
        .filteredOn(s -> "unmanaged".equals(s.attribute("warden.decision")))
        .isNotEmpty()
        .allSatisfy(
            s -> {
              assertThat(s.name()).isIn(otherNameConnects());
              // Found on the application's thread, or unknown on a client's I/O thread.
              assertThat(s.attribute("warden.caller"))
                  .isIn("com.acme.sync.IssueSync.call", "unknown");
            });
  }

  /** How a connection by another name shows: by that name or by the address it resolved to. */
  static List<String> otherNameConnects() {
    int port = harness.jira.url().getPort();
    return List.of(
        "CONNECT localhost:" + port,
        "CONNECT 127.0.0.1:" + port,
        "CONNECT jira.acme.test.:" + port);
  }

  /** Whether Warden sees this client's raw connects (not on a native transport). */
  boolean seesRawConnects() {
    return true;
  }

  @Test
  void aMethodOverrideNeverReachesJira() throws Exception {
    Shared shared = shared();
    // The fake Jira executes a POST's override, as Jersey's filter does: Warden decided a create.
    assertThat(shared.run.step(METHOD_OVERRIDE).path("status").asInt())
        .as(shared.run.toString())
        .isEqualTo(201);
    assertThat(shared.jiraCase("override"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.query()).isEqualTo("case=override");
              assertThat(r.headers()).doesNotContainKey("x-http-method-override");
              assertThat(r.body()).isEqualTo(create("OPS", "override"));
            });
    assertThat(shared.spansOfCase("override"))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.attributes())
                    .containsEntry("jira.operation", "createIssue")
                    .containsEntry("warden.decision", "allow"));
    assertThat(shared.run.wardenLog())
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("removed X-HTTP-Method-Override from a POST to site 'jira'"));
  }

  @Test
  void aSecondAuthorizationInAnyCaseNeverReachesJira() throws Exception {
    Shared shared = shared();
    for (int step : List.of(TWO_AUTHORIZATIONS, TWO_AUTHORIZATIONS_TLS)) {
      assertThat(shared.run.step(step).path("status").asInt())
          .as(shared.run.toString())
          .isEqualTo(200);
    }
    assertThat(shared.jiraCase("two"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.headers().get("authorization"))
                    .containsExactly(harness.expectedAuthorization()));
    assertThat(shared.jiraCase("two-tls"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.protocol()).isEqualTo(tlsProtocol());
              assertThat(r.headers().get("authorization"))
                  .containsExactly(harness.expectedAuthorization());
            });
  }

  @Test
  void userInformationInTheUrlReachesNeitherJiraNorTheAudit() throws Exception {
    Shared shared = shared();
    JsonNode result = shared.run.step(USER_INFO);
    // A client may refuse such a URL itself; one that sends it sends Warden's credential only.
    if (result.path("status").asInt() != 0) {
      assertThat(result.path("status").asInt()).as(shared.run.toString()).isEqualTo(200);
      assertThat(shared.jiraCase("userinfo"))
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r.headers().get("authorization"))
                      .containsExactly(harness.expectedAuthorization()));
      assertThat(shared.spansOfCase("userinfo"))
          .singleElement()
          .satisfies(
              s ->
                  // Redacted, or gone already: many clients keep no user information.
                  assertThat(String.valueOf(s.attribute("url.full")))
                      .doesNotContain("app:")
                      .matches("http://(REDACTED:REDACTED@)?127\\.0\\.0\\.1:.*"));
    } else {
      assertThat(shared.jiraCase("userinfo")).isEmpty();
    }
    assertThat(shared.spans)
        .allSatisfy(s -> assertThat(s.toString()).doesNotContain(USER_INFO_PASSWORD));
    assertThat(shared.run.wardenLog())
        .allSatisfy(line -> assertThat(line).doesNotContain(USER_INFO_PASSWORD));
    assertThat(java.nio.file.Files.readString(shared.audit)).doesNotContain(USER_INFO_PASSWORD);
  }

  @Test
  void aRedirectChainBackToJiraIsDecidedAgainAtJira() throws Exception {
    Shared shared = shared();
    List<Received> bounces = shared.echo.stream().filter(r -> r.path().equals("/bounce")).toList();
    assertThat(bounces)
        .as("the other host saw both chains, never a credential")
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.header("Authorization")).isNull());

    assertThat(shared.run.step(BOUNCED_BACK).path("status").asInt())
        .as(shared.run.toString())
        .isEqualTo(200);
    assertThat(shared.jiraCase("bounced"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.headers().get("authorization"))
                    .containsExactly(harness.expectedAuthorization()));

    JsonNode denied = shared.run.step(BOUNCED_TO_DENIED);
    if (denied.path("status").asInt() == 0) {
      // A client that takes no response from Warden for a hop it follows (README).
      assertThat(denied.path("message").asText())
          .as(shared.run.toString())
          .startsWith("warden: GET /rest/api/2/webhook (getDynamicWebhooksForApp) denied by rule");
    } else {
      assertThat(denied.path("status").asInt()).as(shared.run.toString()).isEqualTo(403);
      assertThat(denied.path("headers").path("x-warden-decision").asText()).isEqualTo("deny");
      assertThat(denied.path("headers").path("x-warden-rule").asText()).isEqualTo("default-deny");
    }
    assertThat(shared.jira).noneSatisfy(r -> assertThat(r.path()).endsWith("/webhook"));
  }

  @Test
  void conflictingFramingNeverGetsARequestToJiraUnaudited() throws Exception {
    Shared shared = shared();
    JsonNode result = shared.run.step(SMUGGLED);
    List<Received> received = shared.jiraCase("smuggle");
    // The client refuses the fields, or frames the body itself, or Jira refuses the request: the
    // body is never read as a second request.
    assertThat(received).hasSizeLessThanOrEqualTo(1);
    if (!received.isEmpty()) {
      assertThat(received.get(0).headers().get("authorization"))
          .containsExactly(harness.expectedAuthorization());
      assertThat(shared.spansOfCase("smuggle")).hasSize(1);
    }
    if (result.path("status").asInt() == 200) {
      assertThat(received)
          .singleElement()
          .satisfies(r -> assertThat(r.body()).isEqualTo(SMUGGLED_BODY));
    }
    assertThat(shared.jira).noneSatisfy(r -> assertThat(r.method()).isEqualTo("DELETE"));
  }

  @Test
  void everyRequestJiraReceivedCarriedTheSiteCredentialAlone() throws Exception {
    Shared shared = shared();
    assertThat(shared.jira)
        .isNotEmpty()
        .allSatisfy(
            r -> {
              String query = String.valueOf(r.query());
              if (query.contains("case=other-name") || query.contains("case=dot")) {
                // Only where Warden cannot see the connect (seesRawConnects), never with one.
                assertThat(r.headers()).doesNotContainKey("authorization");
              } else {
                assertThat(r.headers().get("authorization"))
                    .as("%s %s?%s", r.method(), r.path(), r.query())
                    .containsExactly(harness.expectedAuthorization());
              }
            });
  }

  @Test
  void throttleAnswers429PastMaxWait() throws Exception {
    Shared shared = shared();
    assertThat(shared.run.step(THROTTLED_FIRST).path("status").asInt()).isEqualTo(200);
    JsonNode throttled = shared.run.step(THROTTLED_SECOND);
    assertThat(throttled.path("status").asInt()).isEqualTo(429);
    assertThat(throttled.path("headers").path("x-warden-decision").asText()).isEqualTo("throttled");
    assertThat(throttled.path("headers").path("x-warden-throttle").asText())
        .isEqualTo("one-a-minute");
    assertThat(throttled.path("headers").path("retry-after").asInt()).isBetween(1, 60);
    assertThat(throttled.path("body").asText())
        .contains("warden: GET /rest/api/2/issue/OPS-2 (getIssue) throttled by 'one-a-minute'");
    assertThat(shared.jira("GET", "/rest/api/2/issue/OPS-2")).hasSize(1);
    assertThat(shared.spans)
        .filteredOn(
            s ->
                "throttled".equals(s.attribute("warden.decision"))
                    && String.valueOf(s.attribute("url.full")).endsWith("/rest/api/2/issue/OPS-2"))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.attributes())
                    .containsEntry("http.response.status_code", 429L)
                    .containsEntry("warden.rule", "reports-throttled"));
  }

  @Test
  void jiras429IsRetriedWithTheSameBodyAndPausesItsScope() throws Exception {
    Shared shared = shared();
    List<Received> creates = shared.jira("POST", "/rest/api/3/issue");
    if (resendsJira429()) {
      assertThat(shared.run.step(RETRIED_CREATE).path("status").asInt())
          .as(shared.run.toString())
          .isEqualTo(201);
      assertThat(creates)
          .hasSize(2)
          .allSatisfy(
              r -> {
                assertThat(r.body()).isEqualTo(create("OPS", "retried"));
                assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization());
              });
      assertThat(creates.get(1).atMillis() - creates.get(0).atMillis())
          .as("Retry-After: 1 honoured")
          .isGreaterThanOrEqualTo(900);
      ReceivedSpan create =
          shared.spans.stream()
              .filter(s -> s.name().equals("POST /rest/api/3/issue"))
              .findFirst()
              .orElseThrow();
      assertThat(create.attributes())
          .containsEntry("http.request.resend_count", 1L)
          .containsEntry("http.response.status_code", 201L);
      assertThat(create.events())
          .singleElement()
          .satisfies(e -> assertThat(e.name()).isEqualTo("warden.retry"));
    } else {
      assertThat(shared.run.step(RETRIED_CREATE).path("status").asInt()).isEqualTo(429);
      assertThat(shared.run.step(RETRIED_CREATE).path("body").asText())
          .contains("Rate limit exceeded.");
      assertThat(creates).hasSize(1);
    }
    // 30 s is past retry's max-elapsed: the application sees a 429, and the whole site pauses.
    assertThat(shared.run.step(QUOTA_429).path("status").asInt()).isEqualTo(429);
    JsonNode paused = shared.run.step(PAUSED);
    assertThat(paused.path("status").asInt()).isEqualTo(429);
    assertThat(paused.path("headers").path("x-warden-decision").asText()).isEqualTo("throttled");
    assertThat(paused.path("headers").path("retry-after").asInt()).isBetween(20, 30);
    assertThat(paused.path("body").asText()).contains("Jira asked to pause");
    assertThat(shared.jira("GET", "/rest/api/3/issue/OPS-1"))
        .as("the paused read never reached Jira")
        .hasSize(1);
    assertThat(shared.run.step(OTHER_SITE).path("status").asInt())
        .as("another site is not paused: %s", shared.run)
        .isEqualTo(200);
    assertThat(shared.run.wardenLog())
        .anySatisfy(line -> assertThat(line).contains("pausing site jira as it asked"));
  }

  @Test
  void traceparentMakesTheAuditSpanAChildEvenWhenNotSampled() throws Exception {
    Shared shared = shared();
    assertThat(shared.run.step(TRACED).path("status").asInt()).isEqualTo(200);
    ReceivedSpan span = shared.span(harness.jira.url() + "/rest/api/2/issue/SUP-1");
    assertThat(span.traceId()).isEqualTo(TRACE);
    assertThat(span.parentSpanId()).isEqualTo(PARENT);
  }

  @Test
  void manyConcurrentCallsAreEachAuthenticatedAndCountedOnce() throws Exception {
    Shared shared = shared();
    List<JsonNode> results =
        shared.run.steps().stream().filter(s -> s.path("step").asInt() == CONCURRENT).toList();
    assertThat(results)
        .hasSize(50)
        .allSatisfy(s -> assertThat(s.path("status").asInt()).isEqualTo(200));
    if (AppLauncher.javaFeature() >= 21) {
      assertThat(results)
          .allSatisfy(
              s ->
                  assertThat(s.path("virtualThread").asBoolean())
                      .as("called from a virtual thread")
                      .isTrue());
    }
    assertThat(shared.jira("GET", "/rest/api/2/issue/HR-1"))
        .hasSize(50)
        .allSatisfy(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));
    assertThat(shared.spans)
        .filteredOn(s -> String.valueOf(s.attribute("url.full")).endsWith("/rest/api/2/issue/HR-1"))
        .hasSize(50)
        .allSatisfy(
            s ->
                assertThat(s.attribute("warden.caller")).isEqualTo("com.acme.sync.IssueSync.call"));
    // Fifty connections at once under unmanaged-egress: block, none of them taken for a raw one
    // (nor any other connection of the run).
    int port = harness.jira.url().getPort();
    assertThat(shared.spans)
        .filteredOn(s -> "unmanaged".equals(s.attribute("warden.decision")))
        .as("only the attempt by another name (OTHER_NAME)")
        .allSatisfy(s -> assertThat(s.name()).isIn(otherNameConnects()));
    assertThat(shared.run.wardenLog())
        .filteredOn(line -> line.contains("unmanaged"))
        .allSatisfy(
            line ->
                assertThat(line)
                    .containsAnyOf(
                        "localhost:" + port, "127.0.0.1:" + port, "jira.acme.test.:" + port));
  }

  /** The same steps without the agent, to compare what the client does on its own. */
  /**
   * The steps whose failure the application must see as it would without Warden, made without the
   * agent: what the client itself throws.
   */
  List<java.util.Map<String, Object>> baselineSteps() {
    return List.of(timedOut(), refused());
  }

  private static final java.util.Map<Class<?>, AppRun> BASELINE =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The run of {@link #baselineSteps} without the agent, made once per client. */
  AppRun baseline() throws Exception {
    AppRun done = BASELINE.get(getClass());
    if (done == null) {
      done = runWithoutAgent(baselineSteps());
      BASELINE.put(getClass(), done);
    }
    return done;
  }

  AppRun runWithoutAgent(List<java.util.Map<String, Object>> steps, String... extraArgs)
      throws Exception {
    AppLauncher app =
        callers(
            client(
                new AppLauncher()
                    .javaOptions(harness.tls.clientOptions())
                    .javaOptions(clientJavaOptions())));
    return app.args(extraArgs).args(harness.steps(steps).toString()).run();
  }

  @Test
  void connectionRefusedSurfacesAsTheClientsOwnException() throws Exception {
    Shared shared = shared();
    JsonNode with = shared.run.step(REFUSED);

    assertThat(with.path("error").asText())
        .as(shared.run.toString())
        .isNotEmpty()
        .isEqualTo(baseline().step(2).path("error").asText());
    assertThat(shared.span(down + "/rest/api/2/issue/OPS-1").attribute("error.type"))
        .isEqualTo(with.path("error").asText());
  }

  @Test
  void readTimeoutSurfacesAsTheClientsOwnException() throws Exception {
    Shared shared = shared();
    JsonNode with = shared.run.step(TIMED_OUT);

    assertThat(with.path("error").asText())
        .as(shared.run.toString())
        .isNotEmpty()
        .isEqualTo(baseline().step(1).path("error").asText());
    assertThat(shared.span(harness.jira.url() + "/rest/api/3/issue/HR-1").attribute("error.type"))
        .isNotNull();
  }

  @Test
  void secretNeverAppearsInAnyOutput() throws Exception {
    Shared shared = shared();

    assertThat(shared.jira("GET", "/rest/api/latest/issue/OPS-1"))
        .as("the query's password never reaches Jira")
        .singleElement()
        .satisfies(r -> assertThat(r.query()).isNull());
    assertThat(shared.jira("GET", "/rest/api/3/issue/OPS-2"))
        .as("Jira's session cookie is not sent, the application's other cookies are")
        .singleElement()
        .satisfies(r -> assertThat(r.header("Cookie")).isEqualTo("theme=dark"));
    assertThat(harness.outputs(shared.run, shared.audit))
        .allSatisfy(
            text ->
                assertThat(text)
                    .doesNotContain(harness.token)
                    .doesNotContain(harness.expectedAuthorization().substring("Basic ".length())));
    assertThat(shared.run.wardenLog()).as("Warden logged at debug").isNotEmpty();
    assertThat(java.nio.file.Files.readAllLines(shared.audit))
        .as("an audit line for every span")
        .hasSize(shared.spans.size())
        .anySatisfy(line -> assertThat(line).contains("os_password=REDACTED"));
  }
}
