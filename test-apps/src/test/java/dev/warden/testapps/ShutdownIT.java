package dev.warden.testapps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.testapps.otlp.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JVM's exit with Warden attached: the calls in flight get their answer, every completed call's
 * record reaches the audit file and the collector within a bounded time, and the exit is bounded
 * when the collector is away.
 */
class ShutdownIT {

  @RegisterExtension static final Harness harness = new Harness();

  static final ObjectMapper JSON = new ObjectMapper();

  /** Warden's wait for calls in flight (5 s), its flush (3 s) and the SDK's shutdown (1 s). */
  static final long EXIT_BOUND_MILLIS = 10_000;

  Path policy() throws Exception {
    return harness.policy(
        """
        version: 1
        sites:
          - {id: jira, url: '{jira}', credential: bot}
        credentials:
          bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
        throttles:
          searches: {capacity: 1, refill: 1/2s, max-wait: 5s}
        rules:
          - {id: searches, effect: allow, operations: [searchForIssuesUsingJql], throttle: searches}
          - {id: reads, effect: allow, operations: [read:jira-work]}
        """);
  }

  AppRun exitWhileCalling(String otlpEndpoint, Path audit) throws Exception {
    return harness
        .app(policy())
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint)
        // The SDK's default: spans of completed calls wait in its batch at exit.
        .env("OTEL_BSP_SCHEDULE_DELAY", "5000")
        .agentArgument("audit.file", audit.toString())
        .mainClass("com.acme.ShutdownProbe")
        .args(harness.jira.url().toString(), "inflight", harness.dir.toString())
        .run();
  }

  static JsonNode line(AppRun run, String field) throws Exception {
    for (String line : run.stdout()) {
      if (line.startsWith("{") && line.contains("\"" + field + "\"")) {
        return JSON.readTree(line);
      }
    }
    throw new AssertionError("no " + field + " in " + run);
  }

  @Test
  void callsInFlightAtExitAreAnsweredAndEveryRecordIsFlushed() throws Exception {
    Path audit = harness.dir.resolve("audit-" + System.nanoTime() + ".jsonl");

    AppRun run = exitWhileCalling(harness.otlp.endpoint().toString(), audit);
    long ended = System.currentTimeMillis();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    // The application's own shutdown waited for its calls: Jira's slow answer, and the search
    // that waited in Warden's throttle for the next token.
    assertThat(line(run, "inFlight").path("inFlight").asText().split(","))
        .as(run.toString())
        .containsExactlyInAnyOrder("slow 200", "search 200", "search 200");
    assertThat(ended - line(run, "exitAt").path("exitAt").asLong())
        .as("exit took")
        .isLessThan(EXIT_BOUND_MILLIS);
    List<String> records = Files.readAllLines(audit);
    assertThat(records).as(run.toString()).hasSize(13);
    assertThat(records)
        .allSatisfy(r -> assertThat(r).contains("\"http.response.status_code\":200"));
    assertThat(harness.spans(s -> s.service().equals("acme-jira-sync"), 13))
        .as("every call's span reached the collector before the JVM ended")
        .hasSize(13);
    assertThat(harness.jira.journal().all()).hasSize(13);
  }

  @Test
  void withTheCollectorAwayTheExitIsStillBoundedAndTheFileHasEveryRecord() throws Exception {
    Path audit = harness.dir.resolve("audit-" + System.nanoTime() + ".jsonl");
    String away;
    try (OtlpReceiver gone = OtlpReceiver.start()) {
      away = gone.endpoint().toString();
    }

    AppRun run = exitWhileCalling(away, audit);
    long ended = System.currentTimeMillis();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(line(run, "inFlight").path("inFlight").asText().split(","))
        .containsExactlyInAnyOrder("slow 200", "search 200", "search 200");
    assertThat(ended - line(run, "exitAt").path("exitAt").asLong())
        .as("exit took, with the collector refusing")
        .isLessThan(EXIT_BOUND_MILLIS);
    assertThat(Files.readAllLines(audit)).hasSize(13);
  }
}
