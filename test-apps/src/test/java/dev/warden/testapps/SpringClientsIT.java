package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.create;
import static dev.warden.testapps.Steps.withBody;
import static dev.warden.testapps.Steps.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.fakejira.Received;
import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring's {@code RestTemplate} and {@code RestClient}, on Spring 6.2 and 7.0, on each engine they
 * commonly run on, and its {@code WebClient} on Reactor Netty and the JDK's client: Warden guards
 * them through the engine's hook, whatever Spring does on top (its request factories buffer,
 * stream, copy headers, and wrap I/O errors). One JVM per combination, each doing the calls that
 * matter: an allowed read with the application's own bogus credential, a denied delete, a create
 * allowed in one project and denied in another, a call to another host, and a redirect to another
 * host.
 */
class SpringClientsIT {

  @RegisterExtension static final Harness harness = new Harness();
  static Path policy;

  @BeforeAll
  static void writePolicy() throws Exception {
    policy = harness.policy(ClientScenarios.policyText());
  }

  static Stream<Arguments> combinations() {
    Stream.Builder<Arguments> all = Stream.builder();
    for (String api : List.of("resttemplate", "restclient")) {
      for (String engine :
          List.of("urlconnection", "jdk", "apache5", "okhttp", "jetty", "reactor")) {
        all.add(Arguments.of("spring-6.2", "spring-" + api + "-" + engine));
        if (!engine.equals("okhttp")) {
          all.add(Arguments.of("spring-7.0", "spring-" + api + "-" + engine));
        }
      }
    }
    for (String engine : List.of("reactor", "jdk")) {
      all.add(Arguments.of("spring-6.2", "spring-webclient-" + engine));
      all.add(Arguments.of("spring-7.0", "spring-webclient-" + engine));
    }
    // -Dwarden.spring.only=spring-restclient-jetty narrows the run to one client, when debugging
    // one.
    String only = System.getProperty("warden.spring.only");
    return all.build().filter(a -> only == null || a.get()[1].equals(only));
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("combinations")
  void springClientIsGuardedThroughItsEngine(String library, String client) throws Exception {
    String bogus = "Basic Ym9ndXM6Ym9ndXM=";
    AppLauncher app = ClientScenarios.callers(harness.app(policy, client).libraryFirst(library));
    app.args(
        "--follow-redirects",
        harness
            .steps(
                List.of(
                    withHeader(
                        call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                        "Authorization",
                        bogus),
                    call("triage", "DELETE", "{jira}/rest/api/2/issue/OPS-2"),
                    withBody(
                        call("triage", "POST", "{jira}/rest/api/2/issue"),
                        create("OPS", "allowed")),
                    withBody(
                        call("triage", "POST", "{jira}/rest/api/2/issue"), create("HR", "denied")),
                    withHeader(
                        call("sync", "GET", "{echo}/status"),
                        "Authorization",
                        "Bearer the-apps-own"),
                    call("sync", "GET", "{jira}/rest/api/3/attachment/content/10001")))
            .toString());
    AppRun run = app.run();
    assertThat(run.exitCode()).as(run.toString()).isZero();

    assertThat(run.step(1).path("status").asInt()).as(run.toString()).isEqualTo(200);
    assertThat(run.step(1).path("body").asText()).contains("\"key\":\"OPS-1\"");
    assertThat(run.step(1).path("visibleAuthorization").asText()).isEqualTo(bogus);
    assertThat(jiraReceived("GET", "/rest/api/2/issue/OPS-1"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.headers().get("authorization"))
                    .containsExactly(harness.expectedAuthorization()));

    assertThat(run.step(2).path("status").asInt()).isEqualTo(403);
    assertThat(run.step(2).path("headers").path("x-warden-rule").asText()).isEqualTo("no-deletes");
    assertThat(run.step(2).path("body").asText()).contains("denied by rule no-deletes");
    assertThat(jiraReceived("DELETE", "/issue")).isEmpty();

    assertThat(run.step(3).path("status").asInt()).as(run.toString()).isEqualTo(201);
    assertThat(run.step(4).path("status").asInt()).isEqualTo(403);
    assertThat(jiraReceived("POST", "/rest/api/2/issue"))
        .singleElement()
        .satisfies(r -> assertThat(r.body()).isEqualTo(create("OPS", "allowed")));

    assertThat(run.step(5).path("status").asInt()).isEqualTo(200);
    assertThat(run.step(6).path("status").asInt()).isEqualTo(200);
    assertThat(harness.echo.journal().all())
        .extracting(r -> r.path() + " " + r.header("Authorization"))
        .containsExactlyInAnyOrder("/status Bearer the-apps-own", "/file/10001 null");

    List<ReceivedSpan> spans = harness.spans(s -> true, 5);
    assertThat(spans)
        .extracting(
            s ->
                s.attribute("jira.operation")
                    + " "
                    + s.attribute("warden.decision")
                    + " "
                    + s.attribute("warden.caller"))
        .containsExactlyInAnyOrder(
            "getIssue allow com.acme.sync.IssueSync.call",
            "deleteIssue deny com.acme.triage.TriageBot.call",
            "createIssue allow com.acme.triage.TriageBot.call",
            "createIssue deny com.acme.triage.TriageBot.call",
            "getAttachmentContent allow com.acme.sync.IssueSync.call");
    assertThat(harness.outputs(run))
        .allSatisfy(
            text ->
                assertThat(text)
                    .doesNotContain(harness.token)
                    .doesNotContain(harness.expectedAuthorization().substring("Basic ".length())));
  }

  private static List<Received> jiraReceived(String method, String pathPart) {
    return harness
        .jira
        .journal()
        .matching(r -> r.method().equals(method) && r.path().contains(pathPart));
  }
}
