package com.acme.rcarz;

import java.util.LinkedHashMap;
import java.util.Map;
import net.rcarz.jiraclient.Field;
import net.rcarz.jiraclient.Issue;
import net.rcarz.jiraclient.JiraClient;
import net.rcarz.jiraclient.Project;

/**
 * A sync job written with the {@code net.rcarz:jira-client} library, configured with no credentials
 * at all: Warden provides them. Each ordinary call prints one line, {@code name: ok ...} or {@code
 * name: error ...}.
 *
 * <pre>java -cp ... com.acme.rcarz.RcarzSync JIRA-URL</pre>
 */
public final class RcarzSync {

  private RcarzSync() {}

  public static void main(String[] args) {
    JiraClient jira = new JiraClient(args[0]);
    Map<String, Step> steps = new LinkedHashMap<>();
    steps.put(
        "getIssue",
        () -> {
          Issue issue = jira.getIssue("OPS-1");
          return issue.getKey() + " " + issue.getSummary();
        });
    steps.put(
        "getProject",
        () -> {
          Project project = jira.getProject("OPS");
          return project.getKey() + " " + project.getName();
        });
    steps.put("searchIssues", () -> "found " + jira.searchIssues("project = OPS").issues.size());
    steps.put(
        "addComment",
        () -> {
          jira.getIssue("OPS-1").addComment("Synced by the nightly job");
          return "commented";
        });
    steps.put(
        "transition",
        () -> {
          jira.getIssue("OPS-1").transition().execute("In Progress");
          return "moved";
        });
    steps.put(
        "createIssueInOps",
        () ->
            jira.createIssue("OPS", "Task")
                .field(Field.SUMMARY, "Created by the sync")
                .execute()
                .getKey());
    steps.put(
        "createIssueInHr",
        () ->
            jira.createIssue("HR", "Task")
                .field(Field.SUMMARY, "Not the sync's business")
                .execute()
                .getKey());
    steps.put(
        "deleteIssue",
        () -> {
          jira.getRestClient()
              .delete(jira.getRestClient().buildURI("/rest/api/latest/issue/OPS-2"));
          return "deleted";
        });
    for (Map.Entry<String, Step> step : steps.entrySet()) {
      try {
        System.out.println(step.getKey() + ": ok " + step.getValue().run());
      } catch (Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
          cause = cause.getCause();
        }
        System.out.println(
            step.getKey() + ": error " + e.getClass().getName() + " (" + cause.getMessage() + ")");
      }
    }
    System.exit(0);
  }

  @FunctionalInterface
  private interface Step {
    String run() throws Exception;
  }
}
