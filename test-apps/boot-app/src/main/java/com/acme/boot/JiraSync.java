package com.acme.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/** The application's Jira calls, with no credential of their own: Warden sets it. */
@Component
public class JiraSync {

  private final RestClient jira;

  JiraSync(RestClient.Builder builder, @Value("${jira.url}") String url) {
    this.jira = builder.baseUrl(url).build();
  }

  /** Which HTTP client and class loader the calls go through. */
  String engine() {
    ClassLoader loader;
    try {
      loader =
          Class.forName("org.apache.hc.client5.http.impl.classic.CloseableHttpClient")
              .getClassLoader();
    } catch (ClassNotFoundException e) {
      loader = null;
    }
    return "{\"step\":\"engine\",\"loader\":\""
        + (loader == null ? "none" : loader.getClass().getName())
        + "\"}";
  }

  String getIssue(String key) {
    return jira.get()
        .uri("/rest/api/2/issue/{key}", key)
        .exchange((request, response) -> line("get", response));
  }

  String createIssue(String project, String summary) {
    String body =
        "{\"fields\":{\"project\":{\"key\":\""
            + project
            + "\"},\"summary\":\""
            + summary
            + "\",\"issuetype\":{\"name\":\"Task\"}}}";
    return jira.post()
        .uri("/rest/api/2/issue")
        .contentType(MediaType.APPLICATION_JSON)
        .body(body)
        .exchange((request, response) -> line("create-" + project, response));
  }

  String deleteIssue(String key) {
    return jira.delete()
        .uri("/rest/api/2/issue/{key}", key)
        .exchange((request, response) -> line("delete", response));
  }

  private static String line(
      String step, org.springframework.http.client.ClientHttpResponse response)
      throws java.io.IOException {
    String decision = response.getHeaders().getFirst("X-Warden-Decision");
    return "{\"step\":\""
        + step
        + "\",\"status\":"
        + response.getStatusCode().value()
        + ",\"decision\":"
        + (decision == null ? "null" : "\"" + decision + "\"")
        + "}";
  }
}
