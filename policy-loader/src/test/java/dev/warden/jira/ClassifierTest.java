package dev.warden.jira;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClassifierTest {

  private final Classifier classifier = new Classifier(RouteCatalog.bundled());

  private Classification classify(String method, String path) {
    return classifier.classify(method, PathSegments.parse(path), false, () -> null);
  }

  private Classification classify(String method, String path, String body) {
    Supplier<byte[]> supplier = () -> body.getBytes(StandardCharsets.UTF_8);
    return classifier.classify(method, PathSegments.parse(path), false, supplier);
  }

  @ParameterizedTest(name = "{0} {1} is {2}")
  @CsvSource({
    "DELETE, /rest/api/2/issue/OPS-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, /rest/api/3/issue/OPS-12/, deleteIssue, /rest/api/3/issue/{issueIdOrKey}",
    "DELETE, /rest/api/latest/issue/OPS-12, deleteIssue, /rest/api/latest/issue/{issueIdOrKey}",
    "DELETE, /rest/api/2/issue/x/../OPS-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, /rest/api/2/./issue/OPS-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, //rest//api/2//issue/OPS-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, /rest/api/2/issue%2FOPS-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, /rest/api/2/issue%2fOPS-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, /rest/api/2/issue;jsessionid=1/OPS-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, /rest/api/2/issue/OPS-12;x=y, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, /REST/API/2/ISSUE/ops-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, /rest/api/2/%69ssue/OPS-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "DELETE, /rest/api/2/issue\\OPS-12, deleteIssue, /rest/api/2/issue/{issueIdOrKey}",
    "POST, /rest/api/2/issue/, createIssue, /rest/api/2/issue",
    "POST, /rest/api/3/issue/bulk, createIssues, /rest/api/3/issue/bulk",
    "GET, /rest/api/3/issue/picker, getIssuePickerResource, /rest/api/3/issue/picker",
    "GET, /rest/api/3/issue/OPS-1/transitions, getTransitions, /rest/api/3/issue/{issueIdOrKey}/transitions",
    "POST, /rest/api/3/issue/OPS-1/transitions, doTransition, /rest/api/3/issue/{issueIdOrKey}/transitions",
    "GET, /rest/api/3/serverInfo, getServerInfo, /rest/api/3/serverInfo",
    "GET, /rest/api/3/search/jql, searchAndReconsileIssuesUsingJql, /rest/api/3/search/jql",
  })
  void recognisesOperationsWhateverTheSpelling(
      String method, String path, String operation, String template) {
    Classification c = classify(method, path);
    assertThat(c.operation().name()).isEqualTo(operation);
    assertThat(c.routeTemplate()).isEqualTo(template);
  }

  @Test
  void dotDotCannotClimbAboveTheRoot() {
    assertThat(classify("DELETE", "/../../rest/api/2/issue/OPS-1").operation().name())
        .isEqualTo("deleteIssue");
  }

  @ParameterizedTest(name = "{0} {1}: issue {2}, project {3}")
  @CsvSource({
    "GET, /rest/agile/1.0/issue/OPS-3, OPS-3, OPS",
    "GET, /rest/agile/latest/issue/ops-3/estimation, OPS-3, OPS",
    "GET, /rest/agile/1.0/epic/OPS-9, OPS-9, OPS",
    "POST, /rest/agile/1.0/epic/OPS-9/issue, OPS-9, OPS",
    "GET, /rest/servicedeskapi/request/SUP-4, SUP-4, SUP",
    "POST, /rest/servicedeskapi/request/SUP-4/feedback, SUP-4, SUP",
    "GET, /rest/agile/1.0/board/7, , ",
    "GET, /rest/agile/1.0/sprint/5/issue, , ",
  })
  void issuesAndProjectsOfTheSoftwareAndServiceManagementApis(
      String method, String path, String issue, String project) {
    Classification c = classify(method, path);
    assertThat(c.operation().isUnknown()).isFalse();
    assertThat(c.issueKey()).isEqualTo(issue);
    if (project == null) {
      assertThat(c.projects()).isEqualTo(ProjectRefs.UNKNOWN);
    } else {
      assertThat(c.projects().values()).containsExactly(project);
    }
  }

  @Test
  void theServiceDeskComesFromThePathOrACustomerRequestsBody() {
    assertThat(classify("GET", "/rest/servicedeskapi/servicedesk/10/queue").serviceDeskId())
        .isEqualTo("10");
    Classification request =
        classify(
            "POST",
            "/rest/servicedeskapi/request",
            "{\"requestFieldValues\":{\"summary\":\"x\"},\"serviceDeskId\":\"10\",\"requestTypeId\":\"25\"}");
    assertThat(request.operation().name()).isEqualTo("createCustomerRequest");
    assertThat(request.serviceDeskId()).isEqualTo("10");
    assertThat(
            classify("POST", "/rest/servicedeskapi/request", "{\"serviceDeskId\": 12}")
                .serviceDeskId())
        .isEqualTo("12");
    // A project key names the service desk too.
    assertThat(
            classify("POST", "/rest/servicedeskapi/request", "{\"serviceDeskId\":\"SUP\"}")
                .serviceDeskId())
        .isEqualTo("SUP");
    for (String unreadable :
        new String[] {
          "{\"serviceDeskId\":\" \"}",
          "{\"serviceDeskId\":{}}",
          "{\"serviceDeskId\":\"" + "9".repeat(300) + "\"}",
          "[1]",
          "{",
          ""
        }) {
      assertThat(classify("POST", "/rest/servicedeskapi/request", unreadable).serviceDeskId())
          .as(unreadable)
          .isNull();
    }
    // Nothing else reads the body for it.
    assertThat(classify("POST", "/rest/api/3/issue", "{\"serviceDeskId\":\"10\"}").serviceDeskId())
        .isNull();
    assertThat(classify("GET", "/rest/api/3/issue/OPS-1").serviceDeskId()).isNull();
  }

  @Test
  void dataCenterProjectsComeFromEveryProjectParameter() {
    Classification c =
        classifier.classify(
            "DELETE",
            PathSegments.parse("/rest/api/2/issuetypescheme/10/associations/OPS"),
            true,
            () -> null);
    assertThat(c.operation().isUnknown()).isFalse();
    assertThat(c.projects().values()).containsExactly("OPS");
  }

  @Test
  void unknownPathsAreUnknown() {
    Classification c = classify("GET", "/rest/agile/1.0/no-such-thing");
    assertThat(c.operation()).isEqualTo(Operation.UNKNOWN);
    assertThat(c.spanRoute()).isEqualTo("unknown");
    assertThat(c.projects()).isEqualTo(ProjectRefs.UNKNOWN);
  }

  @Test
  void issueKeyInThePathNamesIssueAndProject() {
    Classification c = classify("GET", "/rest/api/2/issue/ops-12/comment");
    assertThat(c.issueKey()).isEqualTo("OPS-12");
    assertThat(c.projects().values()).containsExactly("OPS");
    assertThat(c.projects().complete()).isTrue();
  }

  @Test
  void numericIssueIdNamesNoProject() {
    Classification c = classify("GET", "/rest/api/2/issue/10042");
    assertThat(c.issueId()).isEqualTo("10042");
    assertThat(c.issueKey()).isNull();
    assertThat(c.projects()).isEqualTo(ProjectRefs.UNKNOWN);
  }

  @Test
  void projectPathSegmentNamesTheProject() {
    assertThat(classify("GET", "/rest/api/3/project/sup").projects().values())
        .containsExactly("SUP");
    assertThat(classify("GET", "/rest/api/3/project/10000/statuses").projects().values())
        .containsExactly("10000");
  }

  @Test
  void createBodyNamesTheProjectByKeyOrId() {
    assertThat(
            classify(
                    "POST",
                    "/rest/api/2/issue",
                    "{\"fields\":{\"summary\":\"x\",\"project\":{\"key\":\"ops\"}}}")
                .projects()
                .values())
        .containsExactly("OPS");
    assertThat(
            classify(
                    "POST",
                    "/rest/api/2/issue",
                    "{\"update\":{},\"fields\":{\"project\":{\"id\":\"10000\"}}}")
                .projects()
                .values())
        .containsExactly("10000");
  }

  @Test
  void aCreateBodyGivenAsJiraBindsIt() {
    // Found by fuzzing (ClassificationFuzzTestInputs/createBodies): a project named by key and id
    // is both (a rule must allow both), and a field given twice is the last one, as Jira binds it.
    assertThat(
            classify(
                    "POST",
                    "/rest/api/2/issue",
                    "{\"fields\":{\"project\":{\"key\":\"OPS\",\"id\":\"10001\"}}}")
                .projects()
                .values())
        .containsExactlyInAnyOrder("OPS", "10001");
    assertThat(
            classify(
                    "POST",
                    "/rest/api/2/issue",
                    "{\"fields\":{\"project\":{\"key\":\"OPS\"},\"project\":\"HR\"}}")
                .projects())
        .isEqualTo(ProjectRefs.UNKNOWN);
    assertThat(
            classify(
                    "POST",
                    "/rest/api/2/issue",
                    "{\"fields\":{\"project\":{\"key\":\"OPS\"}},\"fields\":{\"project\":{\"key\":\"HR\"}}}")
                .projects()
                .values())
        .containsExactly("HR");
  }

  @Test
  void bulkCreateNamesEveryProjectAndSaysWhenOneIsMissing() {
    ProjectRefs both =
        classify(
                "POST",
                "/rest/api/3/issue/bulk",
                "{\"issueUpdates\":[{\"fields\":{\"project\":{\"key\":\"OPS\"}}},{\"fields\":{\"project\":{\"key\":\"HR\"}}}]}")
            .projects();
    assertThat(both.values()).containsExactlyInAnyOrder("OPS", "HR");
    assertThat(both.complete()).isTrue();

    ProjectRefs partial =
        classify(
                "POST",
                "/rest/api/3/issue/bulk",
                "{\"issueUpdates\":[{\"fields\":{\"project\":{\"key\":\"OPS\"}}},{\"fields\":{\"summary\":\"no project\"}}]}")
            .projects();
    assertThat(partial.values()).containsExactly("OPS");
    assertThat(partial.complete()).isFalse();
  }

  @Test
  void unreadableCreateBodyLeavesTheProjectUnknown() {
    assertThat(classify("POST", "/rest/api/2/issue", "not json").projects())
        .isEqualTo(ProjectRefs.UNKNOWN);
    assertThat(
            classify("POST", "/rest/api/2/issue", "{\"fields\":{\"project\":\"OPS\"}}")
                .projects()
                .isEmpty())
        .isTrue();
    assertThat(
            classifier
                .classify("POST", PathSegments.parse("/rest/api/2/issue"), false, null)
                .projects())
        .isEqualTo(ProjectRefs.UNKNOWN);
  }

  @Test
  void bodyIsReadOnlyForCreates() {
    int[] reads = {0};
    classifier.classify(
        "PUT",
        PathSegments.parse("/rest/api/2/issue/OPS-1"),
        false,
        () -> {
          reads[0]++;
          return new byte[0];
        });
    assertThat(reads[0]).isZero();
  }
}
