package com.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A small Jira integration for measuring start-up: it starts, reads one issue through {@code
 * java.net.http.HttpClient}, parses it with its own Jackson, prints one JSON line (its start-up and
 * first-call times, and its peak resident memory) and exits.
 *
 * <pre>java -cp ... com.acme.StartupProbe ISSUE_URL</pre>
 */
public final class StartupProbe {

  private StartupProbe() {}

  public static void main(String[] args) throws Exception {
    long mainAt = System.currentTimeMillis();
    // When the launcher started this JVM (the benchmark passes it); else the OS's start time, to 10
    // ms.
    String launched = System.getenv("PROBE_LAUNCHED_AT_MILLIS");
    long startedAt =
        launched != null
            ? Long.parseLong(launched)
            : ProcessHandle.current().info().startInstant().orElse(Instant.now()).toEpochMilli();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(args[0]));
    String authorization = System.getenv("JIRA_AUTHORIZATION");
    if (authorization != null) {
      // Without Warden, the application holds its Jira credential itself.
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode issue = new ObjectMapper().readTree(response.body());
    long doneAt = System.currentTimeMillis();
    System.out.println(
        "{\"status\":"
            + response.statusCode()
            + ",\"key\":\""
            + issue.path("key").asText()
            + "\""
            + ",\"mainMillis\":"
            + (mainAt - startedAt)
            + ",\"firstCallMillis\":"
            + (doneAt - mainAt)
            + ",\"peakRssKb\":"
            + peakRssKb()
            + "}");
    System.exit(0);
  }

  /**
   * {@code VmHWM} of {@code /proc/self/status}: the process's peak resident set, or -1 where there
   * is none.
   */
  private static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }
}
