package com.acme.micronaut;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** A bean that works on Jira through the injected declarative client. */
@Singleton
public class IssueBot {

  private final JiraApi jira;

  public IssueBot(JiraApi jira) {
    this.jira = jira;
  }

  public String getIssue(String key) {
    return line("get", () -> jira.getIssue(key));
  }

  public String getIssueAsync(String key) {
    return line(
        "get-async",
        () -> {
          try {
            return jira.getIssueAsync(key).get();
          } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause
                ? cause
                : new IllegalStateException(e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }

  public String createIssue(String project, String summary) {
    String body =
        "{\"fields\":{\"project\":{\"key\":\""
            + project
            + "\"},\"summary\":\""
            + summary
            + "\",\"issuetype\":{\"name\":\"Task\"}}}";
    return line("create-" + project, () -> jira.createIssue(body));
  }

  public String deleteIssue(String key) {
    return line("delete", () -> jira.deleteIssue(key));
  }

  private static String line(String step, Supplier<HttpResponse<?>> call) {
    HttpResponse<?> response;
    try {
      response = call.get();
    } catch (HttpClientResponseException e) {
      response = e.getResponse();
    }
    String decision = response.getHeaders().get("X-Warden-Decision");
    return "{\"step\":\""
        + step
        + "\",\"status\":"
        + response.code()
        + ",\"decision\":"
        + (decision == null ? "null" : "\"" + decision + "\"")
        + "}";
  }
}
