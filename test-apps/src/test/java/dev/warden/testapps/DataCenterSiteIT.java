package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.fakejira.FakeJira;
import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Data Center site under a context path, with a personal access token read from a file. */
class DataCenterSiteIT {

  static final String PAT = "pat-" + java.util.UUID.randomUUID();
  @RegisterExtension static final Harness harness = new Harness();
  static FakeJira dataCenter;

  @BeforeAll
  static void start() throws Exception {
    dataCenter = FakeJira.builder().contextPath("/jira").bearerToken("onprem-pat", PAT).start();
  }

  @AfterAll
  static void stop() {
    dataCenter.close();
  }

  @Test
  void contextPathSiteGetsItsBearerTokenAndPathsOutsideItAreLeftAlone() throws Exception {
    Path token = harness.dir.resolve("onprem-pat");
    Files.writeString(token, PAT + "\n");
    String root = dataCenter.url().toString().replace("/jira", "");
    Path policy =
        harness.policy(
            """
        version: 1
        sites:
          - {id: onprem, url: '%s', credential: pat, flavor: data-center}
        credentials:
          pat: {type: bearer, token: '${file:%s}'}
        rules:
          - {id: sessions, effect: allow, operations: getCurrentSession}
          - {id: onprem-read-only, effect: allow, methods: GET, operations: [read:jira-work]}
        """
                .formatted(dataCenter.url(), token));
    AppRun run =
        harness
            .app(policy, "urlconnection")
            .args(
                harness
                    .steps(
                        List.of(
                            call("sync", "GET", dataCenter.url() + "/rest/api/2/issue/OPS-1"),
                            call("sync", "GET", dataCenter.url() + "/rest/auth/1/session"),
                            call("sync", "PUT", dataCenter.url() + "/rest/api/2/issue/OPS-1"),
                            call("sync", "GET", root + "/other-app/rest/api/2/issue/OPS-1")))
                    .toString())
            .run();

    assertThat(run.step(1).path("status").asInt()).isEqualTo(200);
    assertThat(run.step(2).path("status").asInt()).isEqualTo(404);
    assertThat(run.step(3).path("status").asInt()).isEqualTo(403);
    assertThat(run.step(4).path("status").asInt()).isEqualTo(404);
    assertThat(dataCenter.journal().all())
        .extracting(r -> r.method() + " " + r.path() + " " + r.principal())
        .containsExactly(
            "GET /jira/rest/api/2/issue/OPS-1 bearer:onprem-pat",
            "GET /jira/rest/auth/1/session bearer:onprem-pat",
            "GET /other-app/rest/api/2/issue/OPS-1 null");
    List<ReceivedSpan> spans = harness.spans(s -> true, 3);
    assertThat(spans)
        .extracting(ReceivedSpan::name)
        .containsExactlyInAnyOrder(
            "GET /rest/api/2/issue/{issueIdOrKey}",
            "GET /rest/auth/1/session",
            "PUT /rest/api/2/issue/{issueIdOrKey}");
    assertThat(run.all()).doesNotContain(PAT);
  }
}
