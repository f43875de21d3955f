package dev.warden.testapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Jira client library, {@code net.rcarz:jira-client} 0.5 (on Apache HttpClient 4.2),
 * configured with no credentials, doing its ordinary calls through Warden.
 */
class RcarzJiraClientIT {

  @RegisterExtension static final Harness harness = new Harness();

  static final String POLICY = Harness.librarySyncPolicy("com.acme.rcarz.**");

  @Test
  void theLibrarysOrdinaryCallsWorkWithNoCredentialsOfItsOwn() throws Exception {
    Path policy = harness.policy(POLICY);
    AppRun run =
        harness
            .app(policy)
            .mainClass("com.acme.rcarz.RcarzSync")
            .library("rcarz-0.5")
            .args(harness.jira.url().toString())
            .run();

    assertThat(run.stdout())
        .filteredOn(l -> l.contains(": "))
        .as(run.toString())
        .containsSubsequence(
            "getIssue: ok OPS-1 Disk full on build agent", "getProject: ok OPS Operations");
    assertThat(run.stdout()).anySatisfy(l -> assertThat(l).startsWith("searchIssues: ok found "));
    assertThat(run.stdout()).contains("addComment: ok commented", "transition: ok moved");
    assertThat(run.stdout())
        .anySatisfy(l -> assertThat(l).matches("createIssueInOps: ok OPS-\\d+"));
    // Denials reach the library as Jira's own 403s would, and it reports them its usual way.
    assertThat(run.stdout())
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("createIssueInHr: error net.rcarz.jiraclient.JiraException")
                    .contains("403"));
    assertThat(run.stdout())
        .anySatisfy(l -> assertThat(l).startsWith("deleteIssue: error").contains("403"));

    assertThat(harness.jira.journal().all())
        .isNotEmpty()
        .allSatisfy(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));
    assertThat(harness.jira.journal().matching(r -> r.method().equals("DELETE"))).isEmpty();
    List<ReceivedSpan> spans = harness.spans(s -> true, 10);
    assertThat(spans)
        .extracting(s -> (String) s.attribute("jira.operation"))
        .contains(
            "getIssue",
            "getProject",
            "addComment",
            "getTransitions",
            "doTransition",
            "createIssue",
            "deleteIssue");
    assertThat(spans)
        .allSatisfy(
            s ->
                assertThat((String) s.attribute("warden.caller"))
                    .startsWith("com.acme.rcarz.RcarzSync."));
  }
}
