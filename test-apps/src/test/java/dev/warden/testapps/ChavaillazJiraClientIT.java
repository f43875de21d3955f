package dev.warden.testapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Jira client library, {@code com.chavaillaz:jira-client} 1.1.5, on each of its engines (the
 * JDK's {@code sendAsync}, Apache HttpClient 5 async, OkHttp 4 {@code enqueue}), configured with no
 * credentials, doing its ordinary calls through Warden in one JVM. Every call the library makes is
 * asynchronous, from its own classes: the caller is still the application class that used it.
 */
class ChavaillazJiraClientIT {

  @RegisterExtension static final Harness harness = new Harness();

  static final List<String> ENGINES = List.of("java", "apache", "okhttp");

  static final String POLICY = Harness.librarySyncPolicy("com.acme.chavaillaz.**");

  @Test
  void theLibrarysOrdinaryCallsWorkOnEveryEngineWithNoCredentialsOfItsOwn() throws Exception {
    Path policy = harness.policy(POLICY);
    AppRun run =
        harness
            .app(policy)
            .mainClass("com.acme.chavaillaz.ChavaillazSync")
            // Its Jackson (2.23 with jsr310) before the sample application's older one.
            .libraryFirst("chavaillaz-1.1.5")
            .args(harness.jira.url().toString(), "java", "apache", "okhttp")
            .run();

    for (String engine : ENGINES) {
      assertThat(run.stdout())
          .as(run.toString())
          .contains(
              engine + "/getIssue: ok OPS-1 Disk full on build agent",
              engine + "/transition: ok moved to To Do");
      assertThat(run.stdout())
          .anySatisfy(l -> assertThat(l).startsWith(engine + "/searchIssues: ok found "))
          .anySatisfy(l -> assertThat(l).startsWith(engine + "/addComment: ok commented "))
          .anySatisfy(l -> assertThat(l).matches(engine + "/addIssueInOps: ok OPS-\\d+"))
          // Denials reach the library as Jira's own 403s would, and it reports them its usual way.
          .contains(
              engine + "/addIssueInHr: error com.chavaillaz.jira.exception.ResponseException 403",
              engine + "/deleteIssue: error com.chavaillaz.jira.exception.ResponseException 403");
    }

    assertThat(harness.jira.journal().all())
        .isNotEmpty()
        .allSatisfy(
            r -> assertThat(r.header("Authorization")).isEqualTo(harness.expectedAuthorization()));
    assertThat(harness.jira.journal().matching(r -> r.method().equals("DELETE"))).isEmpty();
    assertThat(harness.jira.journal().matching(r -> r.path().contains("HR"))).isEmpty();
    // Per engine: getIssue, search, addComment, getTransitions, doTransition, two creates, delete.
    List<ReceivedSpan> spans = harness.spans(s -> true, 3 * 8);
    assertThat(spans)
        .extracting(s -> (String) s.attribute("jira.operation"))
        .containsOnly(
            "getIssue",
            "searchForIssuesUsingJqlPost",
            "addComment",
            "getTransitions",
            "doTransition",
            "createIssue",
            "deleteIssue");
    assertThat(spans)
        .allSatisfy(
            s ->
                assertThat((String) s.attribute("warden.caller"))
                    .startsWith("com.acme.chavaillaz.ChavaillazSync."));
    assertThat(run.all()).doesNotContain(harness.token);
  }
}
