package dev.warden.testapps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.testapps.bench.Soak;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The soak harness's short version: one 60-second cycle of every fault, 200 callers over every
 * hooked client, with a baseline without the agent; then its targets. The long run is {@code mvn -B
 * -q -Psoak package -DskipTests}.
 */
class SoakIT {

  static Soak.Result result;
  static String printed;

  @BeforeAll
  static void soak() throws Exception {
    Path work =
        Files.createDirectories(
            Path.of(System.getProperty("warden.work.dir", "target/it-work"), "soak"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    result = new Soak(new Soak.Settings(60, 200, 60, Soak.GROUPS), work, out).run();
    printed = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(printed);
  }

  @Test
  void everyFaultOfTheScheduleWasInjected() {
    assertThat(result.windows().stream().map(Soak.Window::fault).distinct())
        .as(printed)
        .hasSize(10);
    assertThat(result.policyReloads()).as(printed).contains("valid", "invalid");
    assertThat(printed).doesNotContain("could not start", "could not stop");
  }

  @Test
  void everyCallOfEveryClientGotAnAnswerAndNoneAnUnexplainedOne() {
    assertThat(result.warden()).hasSize(14);
    for (Soak.ClientFigures client : result.warden()) {
      assertThat(client.made()).as(client.client()).isGreaterThan(100);
      assertThat(client.lost()).as(client.client() + "\n" + printed).isZero();
      assertThat(client.answered() + client.failed()).as(client.client()).isEqualTo(client.made());
      assertThat(client.unexplained()).as(client.client() + "\n" + printed).isEmpty();
    }
  }

  @Test
  void wardenNeverSentAWriteAgainAfterAnAnswerThatForbidsIt() {
    for (Soak.ClientFigures client : result.warden()) {
      assertThat(client.writesResentWrongly()).as(client.client() + "\n" + printed).isZero();
    }
    // The baseline shows the same schedule reached the clients without the agent too.
    assertThat(result.baseline().stream().mapToLong(Soak.ClientFigures::failed).sum())
        .as(printed)
        .isPositive();
  }

  @Test
  void everyCallHasOneAuditRecordAndEverySpanIsExportedOrCountedLost() {
    for (Soak.JvmFigures jvm : result.jvms()) {
      assertThat(jvm.exitCode()).as(jvm.group()).isZero();
      if (!jvm.agent()) {
        continue;
      }
      // A client that resends on its own below Warden's hook (AsyncHttpClient) sends, and Warden
      // audits, each attempt, the later ones marked with http.request.resend_count; a connection
      // to the site no hooked call made (Micronaut's pool, now and then) is an unmanaged record.
      assertThat(
              jvm.fileRecords()
                  - jvm.clientResentRecords()
                  - jvm.recordsByDecision().getOrDefault("unmanaged", 0L))
          .as(jvm.group() + "\n" + printed)
          .isEqualTo(jvm.calls());
      assertThat(jvm.dropped()).as(jvm.group()).doesNotContainKey("scrape_failed");
      assertThat(jvm.dropped().getOrDefault("file_error", 0L)).isZero();
      long lost =
          jvm.dropped().getOrDefault("export_failed", 0L)
              + jvm.dropped().getOrDefault("queue_full", 0L);
      assertThat(jvm.spans()).as(jvm.group()).isLessThanOrEqualTo(jvm.fileRecords());
      assertThat(jvm.spans() + lost)
          .as(jvm.group() + "\n" + printed)
          .isGreaterThanOrEqualTo(jvm.fileRecords());
      assertThat(jvm.recordsByDecision().getOrDefault("deny", 0L))
          .as(jvm.group())
          .isEqualTo(jvm.callsByDecision().getOrDefault("deny", 0L));
      assertThat(jvm.recordsByDecision().getOrDefault("throttled", 0L))
          .as(jvm.group())
          .isEqualTo(jvm.callsByDecision().getOrDefault("throttled", 0L));
    }
  }

  @Test
  void memoryAndThreadsStayFlat() {
    for (Soak.JvmFigures jvm : result.jvms()) {
      List<JsonNode> samples = jvm.samples();
      assertThat(samples).hasSize(3);
      long heapStart = samples.get(0).path("heapAfterGcBytes").asLong();
      long heapEnd = samples.get(2).path("heapAfterGcBytes").asLong();
      // Bounds for leaks, not for speed: a minute of calls that leaked a few hundred bytes each
      // would pass 16 MB.
      assertThat(heapEnd - heapStart).as(jvm.group() + " heap\n" + printed).isLessThan(16L << 20);
      int threadsMiddle = samples.get(1).path("threads").asInt();
      int threadsEnd = samples.get(2).path("threads").asInt();
      assertThat(threadsEnd)
          .as(jvm.group() + " threads\n" + printed)
          .isLessThanOrEqualTo(threadsMiddle);
    }
  }

  @Test
  void noSecretAppearsInAnyOutputOrAuditFile() {
    assertThat(result.secretsFound()).as(printed).isEmpty();
  }
}
