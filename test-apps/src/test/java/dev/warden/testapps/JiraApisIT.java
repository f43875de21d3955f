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

/**
 * The API families beyond the Cloud platform: a Data Center site under a context path, with a
 * personal access token read from a file, and Jira Software and Service Management on a Cloud site.
 */
class JiraApisIT {

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
          - {id: sessions, effect: allow, operations: datacenter:currentUser}
          - {id: boards, effect: allow, operations: getBoard}
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
                            call("sync", "GET", root + "/other-app/rest/api/2/issue/OPS-1"),
                            call("sync", "GET", dataCenter.url() + "/rest/agile/latest/board/3")))
                    .toString())
            .run();

    assertThat(run.step(1).path("status").asInt()).isEqualTo(200);
    assertThat(run.step(2).path("status").asInt()).isEqualTo(404);
    assertThat(run.step(3).path("status").asInt()).isEqualTo(403);
    assertThat(run.step(4).path("status").asInt()).isEqualTo(404);
    assertThat(run.step(5).path("status").asInt()).isEqualTo(404);
    assertThat(dataCenter.journal().all())
        .extracting(r -> r.method() + " " + r.path() + " " + r.principal())
        .containsExactly(
            "GET /jira/rest/api/2/issue/OPS-1 bearer:onprem-pat",
            "GET /jira/rest/auth/1/session bearer:onprem-pat",
            "GET /other-app/rest/api/2/issue/OPS-1 null",
            "GET /jira/rest/agile/latest/board/3 bearer:onprem-pat");
    List<ReceivedSpan> spans = harness.spans(s -> true, 4);
    // Data Center's own templates, named as a policy names them: Cloud's twin or datacenter:.
    assertThat(spans)
        .extracting(
            s ->
                s.name()
                    + " "
                    + s.attribute("jira.operation")
                    + " "
                    + s.attribute("url.template")
                    + " "
                    + s.attribute("warden.rule"))
        .containsExactlyInAnyOrder(
            "GET /rest/api/2/issue/{issueIdOrKey} getIssue /rest/api/2/issue/{issueIdOrKey} onprem-read-only",
            "GET /rest/auth/1/session datacenter:currentUser /rest/auth/1/session sessions",
            "PUT /rest/api/2/issue/{issueIdOrKey} editIssue /rest/api/2/issue/{issueIdOrKey} default-deny",
            "GET /rest/agile/latest/board/{boardId} getBoard /rest/agile/latest/board/{boardId} boards");
    assertThat(run.all()).doesNotContain(PAT);
  }

  /**
   * A Cloud site: Jira Software and Jira Service Management operations are decided by their own
   * names and scopes, and audited with their own templates, issues and service desks.
   */
  @Test
  void softwareAndServiceManagementOperationsOnACloudSite() throws Exception {
    Path policy =
        harness.policy(
            """
        version: 1
        sites:
          - {id: jira, url: '%s', credential: bot}
        credentials:
          bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
        rules:
          - {id: sprints, effect: allow, operations: [read:sprint:jira-software]}
          - {id: agile-issues, effect: allow, operations: software:getIssue, projects: OPS}
          - {id: requests, effect: allow, operations: createCustomerRequest}
        """
                .formatted(harness.jira.url()));
    AppRun run =
        harness
            .app(policy, "jdk")
            .args(
                harness
                    .steps(
                        List.of(
                            call("sync", "GET", harness.jira.url() + "/rest/agile/1.0/sprint/5"),
                            call("sync", "GET", harness.jira.url() + "/rest/agile/1.0/issue/OPS-7"),
                            call("sync", "GET", harness.jira.url() + "/rest/agile/1.0/issue/HR-7"),
                            call("sync", "GET", harness.jira.url() + "/rest/api/3/issue/OPS-7"),
                            Steps.withBody(
                                call(
                                    "sync",
                                    "POST",
                                    harness.jira.url() + "/rest/servicedeskapi/request"),
                                "{\"serviceDeskId\":\"10\",\"requestTypeId\":\"25\","
                                    + "\"requestFieldValues\":{\"summary\":\"VPN\"}}")))
                    .toString())
            .run();

    // Allowed ones reach the fake Jira (which knows none of these routes: 404); the others do not.
    assertThat(run.step(1).path("status").asInt()).isEqualTo(404);
    assertThat(run.step(2).path("status").asInt()).isEqualTo(404);
    assertThat(run.step(3).path("status").asInt()).isEqualTo(403);
    assertThat(run.step(4).path("status").asInt()).isEqualTo(403);
    assertThat(run.step(5).path("status").asInt()).isEqualTo(404);
    assertThat(harness.jira.journal().all())
        .extracting(r -> r.method() + " " + r.path())
        .containsExactly(
            "GET /rest/agile/1.0/sprint/5",
            "GET /rest/agile/1.0/issue/OPS-7",
            "POST /rest/servicedeskapi/request");
    List<ReceivedSpan> spans = harness.spans(s -> true, 5);
    assertThat(spans)
        .extracting(
            s ->
                s.attribute("jira.operation")
                    + " "
                    + s.attribute("url.template")
                    + " "
                    + s.attribute("warden.decision")
                    + " "
                    + s.attribute("jira.issue.key")
                    + " "
                    + s.attribute("jira.servicedesk.id"))
        .containsExactlyInAnyOrder(
            "getSprint /rest/agile/1.0/sprint/{sprintId} allow null null",
            "software:getIssue /rest/agile/1.0/issue/{issueIdOrKey} allow OPS-7 null",
            "software:getIssue /rest/agile/1.0/issue/{issueIdOrKey} deny HR-7 null",
            "getIssue /rest/api/3/issue/{issueIdOrKey} deny OPS-7 null",
            "createCustomerRequest /rest/servicedeskapi/request allow null 10");
    assertThat(run.all()).doesNotContain(harness.token);
  }
}
