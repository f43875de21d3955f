package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.fakejira.Received;
import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code coalesce: true} in a real JVM: twenty identical GETs at once (five on a client that keeps
 * five connections per host), while Jira is slow, reach the fake Jira as one request (or a few,
 * when threads start late), and every caller gets Jira's response through its own client. Run for
 * each client whose responses Warden can share.
 */
class CoalescingIT {

  static final String POLICY =
      """
      version: 1
      caller-skip: [com.acme.http.**]
      sites:
        - {id: jira, url: '{jira}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      throttles:
        few: {capacity: 3, refill: 3/1m, max-wait: 0s}
      rules:
        - {id: shared-reads, effect: allow, operations: getIssue, coalesce: true, throttle: few}
      """;

  @RegisterExtension static final Harness harness = new Harness();
  static Path policy;

  @BeforeAll
  static void writePolicy() throws Exception {
    policy = harness.policy(POLICY);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "jdk,,20",
    "jdk-async,,20",
    "urlconnection,,20",
    "okhttp,okhttp-4.12,20",
    "apache4,apache-4.5,20",
    "apache5,apache-5.6,20",
    // Vert.x and HttpClient 5's async client keep five connections per host by default, and a
    // request waiting for one is decided when it gets it: only requests on connections at once can
    // share a response.
    "apache5-async,apache-5.6,5",
    "vertx-core,vertx-5.0,5",
    "vertx-core-async,vertx-4.0,5",
    "ahc-async,ahc-3.0,20",
    "micronaut-async,micronaut-4.10,20",
    "jetty,jetty-12.0,20",
    "jetty-async,jetty-12.1,20",
    "reactor-netty,reactor-netty-1.0,20",
    "reactor-netty-async,reactor-netty-1.3,20"
  })
  void identicalConcurrentGetsGoToJiraOnce(String client, String library, int callers)
      throws Exception {
    harness.clear();
    AppLauncher app = harness.app(policy, client);
    if (library != null) {
      app.library(library);
    }
    // Jira takes 500 ms to answer, so the twenty overlap.
    AppRun run =
        app.args(
                harness
                    .steps(
                        List.of(
                            Steps.with(
                                withHeader(
                                    call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                                    "X-Fake-Delay-Ms",
                                    "500"),
                                "parallel",
                                callers)))
                    .toString())
            .run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.steps())
        .hasSize(callers)
        .allSatisfy(
            s -> {
              assertThat(s.path("status").asInt()).as(run.toString()).isEqualTo(200);
              assertThat(s.path("body").asText()).contains("\"key\":\"OPS-1\"");
            });
    List<Received> received =
        harness.jira.journal().matching(r -> r.path().endsWith("/issue/OPS-1"));
    // Each request that reached Jira took one of the throttle's three tokens; the followers took
    // none.
    assertThat(received)
        .hasSizeBetween(1, 3)
        .allSatisfy(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));
    List<ReceivedSpan> spans =
        harness.spans(s -> s.name().startsWith("GET /rest/api/2/issue"), callers);
    assertThat(spans).hasSize(callers);
    assertThat(spans)
        .filteredOn(s -> Boolean.TRUE.equals(s.attribute("warden.coalesced")))
        .hasSize(callers - received.size());
  }
}
