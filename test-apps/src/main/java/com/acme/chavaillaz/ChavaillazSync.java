package com.acme.chavaillaz;

import com.chavaillaz.jira.client.JiraClient;
import com.chavaillaz.jira.client.apache.ApacheHttpJiraClient;
import com.chavaillaz.jira.client.java.JavaHttpJiraClient;
import com.chavaillaz.jira.client.okhttp.OkHttpJiraClient;
import com.chavaillaz.jira.domain.Comment;
import com.chavaillaz.jira.domain.Issue;
import com.chavaillaz.jira.domain.IssueTransition;
import com.chavaillaz.jira.domain.Transition;
import com.chavaillaz.jira.domain.Transitions;
import com.chavaillaz.jira.exception.ResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A sync job written with the {@code com.chavaillaz:jira-client} library, on each of its three
 * engines, configured with no credentials of its own (a placeholder token): Warden provides them.
 * Every call is asynchronous (a {@link CompletableFuture}); each ordinary call prints one line,
 * {@code engine/name: ok ...} or {@code engine/name: error ...}.
 *
 * <pre>java -cp ... com.acme.chavaillaz.ChavaillazSync JIRA-URL java apache okhttp</pre>
 */
public final class ChavaillazSync {

  private ChavaillazSync() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    for (int i = 1; i < args.length; i++) {
      String engine = args[i];
      run(engine, client(engine, url));
    }
    // The engines' I/O threads would keep the JVM alive.
    System.exit(0);
  }

  /**
   * The library sets {@code Authorization} on every request and fails without one (the JDK's
   * builder refuses a null header value), so it gets a placeholder token, which is no secret:
   * Warden replaces it with the site's credential.
   */
  private static JiraClient<Issue> client(String engine, String url) {
    JiraClient<Issue> client =
        switch (engine) {
          case "java" -> JavaHttpJiraClient.jiraJavaClient(url);
          case "apache" -> ApacheHttpJiraClient.jiraApacheClient(url);
          case "okhttp" -> OkHttpJiraClient.jiraOkHttpClient(url);
          default -> throw new IllegalArgumentException("no engine " + engine);
        };
    return client.withAuthentication("placeholder-not-a-token");
  }

  private static void run(String engine, JiraClient<Issue> jira) {
    Map<String, Step> steps = new LinkedHashMap<>();
    steps.put(
        "getIssue",
        () -> {
          Issue issue = await(jira.getIssueClient().getIssue("OPS-1"));
          return issue.getKey() + " " + issue.getFields().getSummary();
        });
    steps.put(
        "searchIssues",
        () -> "found " + await(jira.getSearchClient().searchIssues("project = OPS")).size());
    steps.put(
        "addComment",
        () ->
            "commented "
                + await(
                        jira.getIssueClient()
                            .addComment("OPS-1", Comment.from("Synced by the nightly job")))
                    .getId());
    steps.put(
        "transition",
        () -> {
          Transitions transitions = await(jira.getIssueClient().getTransitions("OPS-1"));
          Transition first = transitions.get(0);
          await(jira.getIssueClient().doTransition("OPS-1", IssueTransition.from(first)));
          return "moved to " + first.getName();
        });
    steps.put(
        "addIssueInOps",
        () ->
            await(jira.getIssueClient().addIssue(Issue.from("Task", "OPS", "Created by the sync")))
                .getKey());
    steps.put(
        "addIssueInHr",
        () ->
            await(
                    jira.getIssueClient()
                        .addIssue(Issue.from("Task", "HR", "Not the sync's business")))
                .getKey());
    steps.put(
        "deleteIssue",
        () -> {
          await(jira.getIssueClient().deleteIssue("OPS-2"));
          return "deleted";
        });
    for (Map.Entry<String, Step> step : steps.entrySet()) {
      String name = engine + "/" + step.getKey();
      try {
        System.out.println(name + ": ok " + step.getValue().run());
      } catch (Exception e) {
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String status =
            cause instanceof ResponseException response ? " " + response.getStatusCode() : "";
        System.out.println(name + ": error " + cause.getClass().getName() + status);
        if (!(cause instanceof ResponseException)) {
          cause.printStackTrace();
        }
      }
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(20, TimeUnit.SECONDS);
  }

  @FunctionalInterface
  private interface Step {
    String run() throws Exception;
  }
}
