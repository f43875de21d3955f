package dev.warden.testapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.bench.Overhead;
import dev.warden.testapps.bench.Overhead.Figures;
import dev.warden.testapps.bench.Overhead.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No thread per request, on any client, on one or two CPUs (where the JDK's common pool has
 * parallelism 1 and {@code CompletableFuture}'s default executor starts a thread per task): 5,000
 * calls, four in flight, with and without Warden, through the overhead harness (its short run).
 * Warden may start a few threads of its own (the audit's exporter, a scheduler), never one per
 * call; a client that starts threads itself (the JDK's {@code sendAsync} completes on that default
 * executor) starts as many with Warden as without.
 */
class ThreadsPerCallIT {

  /**
   * Threads Warden may start in a run of its own: the span exporter's, schedulers, a token fetch,
   * and its metrics' (the SDK's periodic reader, the OTLP metric exporter's HTTP client).
   */
  static final int WARDEN_THREADS = 11;

  static final int CALLS = 5_000;

  @ParameterizedTest(name = "{0} CPU")
  @ValueSource(ints = {1, 2})
  void fiveThousandCallsStartAFixedNumberOfThreads(int cpus) throws Exception {
    Path work =
        Files.createDirectories(
            Path.of(System.getProperty("warden.work.dir", "target/it-work"), "threads-" + cpus));
    Overhead.Settings settings =
        new Overhead.Settings(
            Overhead.CLIENTS,
            List.of(4),
            1,
            0,
            0,
            CALLS,
            List.of("-XX:ActiveProcessorCount=" + cpus),
            false);
    Map<String, Map<Integer, Map<Variant, Figures>>> results =
        new Overhead(settings, work, System.out).run();

    assertThat(results.keySet())
        .containsExactlyElementsOf(Overhead.CLIENTS.stream().map(Overhead.Client::name).toList());
    SoftAssertions soft = new SoftAssertions();
    results.forEach(
        (client, byConcurrency) -> {
          Figures none = byConcurrency.get(4).get(Variant.NONE);
          Figures warden = byConcurrency.get(4).get(Variant.WARDEN);
          soft.assertThat(none.calls()).as(client + " calls without Warden").isEqualTo(CALLS);
          soft.assertThat(warden.calls()).as(client + " calls with Warden").isEqualTo(CALLS);
          soft.assertThat(none.errors()).as(client + " errors without Warden").isZero();
          soft.assertThat(warden.errors())
              .as(client + ": every call through Warden was answered 200 by the fake Jira")
              .isZero();
          soft.assertThat(warden.threadsStarted())
              .as(client + ": threads started in %d calls with Warden", CALLS)
              .isLessThanOrEqualTo(none.threadsStarted() + WARDEN_THREADS);
        });
    soft.assertAll();
  }
}
