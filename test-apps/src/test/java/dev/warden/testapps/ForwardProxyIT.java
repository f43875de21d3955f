package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.testapps.fakejira.ForwardProxy;
import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Jira traffic through an HTTP forward proxy (CONTRACT section 4, README "Threat model"): a plain
 * {@code http://} site's requests go to the proxy in absolute form, an {@code https://} site's
 * through a {@code CONNECT} tunnel. Warden decides and authenticates at the client, before the
 * proxy; the proxy's own {@code Proxy-Authorization} is the application's and is never touched; the
 * credential goes into the tunnel, never into the {@code CONNECT}. One JVM per client runs every
 * case.
 */
class ForwardProxyIT {

  static final String POLICY =
      """
      version: 1
      unmanaged-egress: block
      caller-skip: [com.acme.http.**]
      sites:
        - {id: jira, url: '{jira}', credential: bot}
        - {id: jira-tls, url: '{jira-tls}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      rules:
        - {id: no-deletes, effect: deny, operations: deleteIssue}
        - {id: reads, effect: allow, operations: read:jira-work}
      """;

  /** The application's own login to its proxy. */
  static final String PROXY_LOGIN = "Basic cHJveHk6cHJveHktcGFzcw==";

  @org.junit.jupiter.api.extension.RegisterExtension static final Harness harness = new Harness();

  static ForwardProxy proxy;

  @BeforeAll
  static void startProxy() throws Exception {
    proxy = ForwardProxy.start();
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // client, library, how it treats a proxy: tunnel (https:// works, the request's own
    // Proxy-Authorization goes inside), tunnel-own-login (the JDK keeps Proxy-Authorization for
    // the proxy), refused (Warden's Netty gate sends no Jira request through a proxy)
    "jdk,,tunnel-own-login,",
    "jdk-async,,tunnel-own-login,",
    "urlconnection,,tunnel,",
    "okhttp,okhttp-4.12,tunnel,",
    "okhttp-async,okhttp-5.5,tunnel,",
    "apache4,apache-4.5,tunnel,",
    "apache4-async,httpasyncclient-4.1.5,tunnel,",
    "apache5,apache-5.6,tunnel,",
    "apache5-async,apache-5.6,tunnel,",
    "jetty,jetty-12.1,tunnel,",
    "vertx,vertx-5.0,tunnel,",
    "vertx-core,vertx-5.0,refused,",
    "ahc,ahc-3.0.2,refused,",
    "reactor-netty,reactor-netty-1.3,tunnel,",
    // The JVM's proxy settings (-Dhttp.proxyHost...), which a client built without a proxy of its
    // own takes through the JDK's default selector.
    "jdk,,tunnel-own-login,system",
    "urlconnection,,tunnel,system",
    "okhttp,okhttp-4.12,tunnel,system",
  })
  void jiraTrafficThroughAForwardProxyIsDecidedAndAuthenticatedAtTheClient(
      String client, String library, String proxying, String setting) throws Exception {
    harness.clear();
    proxy.clear();
    Path policy = harness.policy(POLICY);
    AppLauncher app = harness.app(policy, client);
    if ("system".equals(setting)) {
      String[] hostPort = proxy.address().split(":");
      app.javaOptions(
          List.of(
              "-Dhttp.proxyHost=" + hostPort[0],
              "-Dhttp.proxyPort=" + hostPort[1],
              "-Dhttps.proxyHost=" + hostPort[0],
              "-Dhttps.proxyPort=" + hostPort[1],
              // Loopback too (the JDK leaves localhost and 127.* out by default).
              "-Dhttp.nonProxyHosts="));
    } else {
      app.args("--proxy", proxy.address());
    }
    if (library != null) {
      app.library(library);
    }
    List<java.util.Map<String, Object>> steps =
        List.of(
            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
            withHeader(
                call("sync", "GET", "{jira-tls}/rest/api/3/issue/SUP-1"),
                "Proxy-Authorization",
                PROXY_LOGIN),
            call("sync", "DELETE", "{jira}/rest/api/2/issue/OPS-2"),
            withHeader(
                call("sync", "GET", "{echo}/status"), "Authorization", "Bearer the-apps-own"));
    AppRun run = app.args(harness.steps(steps).toString()).run();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    String jira = harness.jira.url().toString();

    // Plain http:// through a proxy: the proxy would read the credential, so it is not sent.
    JsonNode plain = run.step(1);
    assertThat(plain.path("status").asInt()).as(run.toString()).isZero();
    assertThat(run.wardenLog()).anySatisfy(line -> assertThat(line).contains("proxy is not sent"));
    assertThat(proxy.seen())
        .as("the proxy never saw the credential")
        .allSatisfy(
            s ->
                assertThat(s.header("authorization"))
                    .doesNotContain(harness.expectedAuthorization()));
    assertThat(proxy.seen())
        .noneSatisfy(s -> assertThat(s.target()).isEqualTo(jira + "/rest/api/2/issue/OPS-1"));
    if (proxying.equals("refused")) {
      // Through a proxy, the gate cannot tell the proxy from another host: nothing is sent.
      for (int step : List.of(2, 3)) {
        assertThat(run.step(step).path("message").asText())
            .as(run.toString())
            .startsWith("warden: a request to a Jira site");
      }
      assertThat(harness.jira.journal().all()).isEmpty();
      assertThat(proxy.seen())
          .allSatisfy(
              s ->
                  assertThat(s.header("authorization"))
                      .doesNotContain(harness.expectedAuthorization()));
      assertThat(run.step(4).path("status").asInt()).isEqualTo(200);
      return;
    }
    // A CONNECT tunnel: the proxy saw the authority only, never a credential.
    assertThat(run.step(2).path("status").asInt()).as(run.toString()).isEqualTo(200);
    assertThat(proxy.seen())
        .filteredOn(s -> s.method().equals("CONNECT"))
        .anySatisfy(s -> assertThat(s.target()).endsWith(":" + harness.jira.httpsUrl().getPort()))
        // Reactor Netty tunnels plain http:// too.
        .allSatisfy(s -> assertThat(s.headers()).doesNotContainKey("authorization"));
    // Through the tunnel, Jira got the credential, and the application's proxy login untouched.
    assertThat(harness.jira.journal().all())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method() + " " + r.path()).isEqualTo("GET /rest/api/3/issue/SUP-1");
              assertThat(r.headers().get("authorization"))
                  .containsExactly(harness.expectedAuthorization());
              if (proxying.equals("tunnel")) {
                assertThat(r.headers().get("proxy-authorization")).containsExactly(PROXY_LOGIN);
              }
            });

    // Denied at the client: the proxy never saw it.
    JsonNode denied = run.step(3);
    if (denied.path("status").asInt() == 0) {
      assertThat(denied.path("message").asText()).startsWith("warden: DELETE");
    } else {
      assertThat(denied.path("status").asInt()).isEqualTo(403);
    }
    assertThat(proxy.seen()).noneSatisfy(s -> assertThat(s.method()).isEqualTo("DELETE"));

    // Another host through the same proxy: untouched.
    assertThat(run.step(4).path("status").asInt()).isEqualTo(200);
    assertThat(harness.echo.journal().all())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.headers().get("authorization"))
                    .containsExactly("Bearer the-apps-own"));

    // A client that retries an I/O failure on its own (Apache HttpClient 4) is refused each time.
    List<ReceivedSpan> spans =
        harness.spans(s -> s.attribute("jira.site") != null, 3).stream()
            .sorted(java.util.Comparator.comparing(s -> String.valueOf(s.attribute("url.full"))))
            .toList();
    assertThat(
            spans.stream()
                .map(
                    s ->
                        s.attribute("jira.site")
                            + " "
                            + s.attribute("server.address")
                            + " "
                            + s.attribute("warden.decision"))
                .distinct()
                .toList())
        .containsExactlyInAnyOrder(
            "jira 127.0.0.1 allow", "jira 127.0.0.1 deny", "jira-tls localhost allow");
    assertThat(spans)
        .filteredOn(s -> String.valueOf(s.attribute("url.full")).endsWith("/issue/OPS-1"))
        .isNotEmpty()
        .allSatisfy(
            s ->
                assertThat(s.attributes())
                    .doesNotContainKey("http.response.status_code")
                    .containsKey("error.type"));
    assertThat(harness.otlp.spans())
        .noneSatisfy(s -> assertThat(s.attribute("warden.decision")).isEqualTo("unmanaged"));
  }
}
