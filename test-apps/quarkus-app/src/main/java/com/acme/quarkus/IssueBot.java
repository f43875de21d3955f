package com.acme.quarkus;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** A bean that works on Jira through the injected declarative client. */
@ApplicationScoped
public class IssueBot {

  @RestClient JiraApi jira;

  public String getIssue(String key) {
    try (Response response = jira.getIssue(key)) {
      return line("get", response);
    }
  }

  public String getIssueAsync(String key) throws Exception {
    try (Response response = jira.getIssueAsync(key).toCompletableFuture().get()) {
      return line("get-async", response);
    }
  }

  public String createIssue(String project, String summary) {
    String body =
        "{\"fields\":{\"project\":{\"key\":\""
            + project
            + "\"},\"summary\":\""
            + summary
            + "\",\"issuetype\":{\"name\":\"Task\"}}}";
    try (Response response = jira.createIssue(body)) {
      return line("create-" + project, response);
    }
  }

  public String deleteIssue(String key) {
    try (Response response = jira.deleteIssue(key)) {
      return line("delete", response);
    }
  }

  private static String line(String step, Response response) {
    String decision = response.getHeaderString("X-Warden-Decision");
    return "{\"step\":\""
        + step
        + "\",\"status\":"
        + response.getStatus()
        + ",\"decision\":"
        + (decision == null ? "null" : "\"" + decision + "\"")
        + "}";
  }
}
