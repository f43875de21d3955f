package dev.warden.testapps.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.testapps.AppLauncher;
import dev.warden.testapps.AppRun;
import dev.warden.testapps.fakejira.FakeJira;
import dev.warden.testapps.otlp.OtlpReceiver;
import dev.warden.testapps.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What attaching Warden (every hook installed) adds to a small application's start-up time and peak
 * memory, against the same application without an agent, in one run: the variants alternate, each
 * started {@code runs} times in a fresh JVM, and the medians are compared. With {@code
 * -Dstartup.otel=true} the OpenTelemetry Java agent is measured too, for scale. A benchmark, not a
 * test: it prints figures and asserts nothing. With {@code -Dstartup.redis=true} Warden is measured
 * a second time with its throttle kept in a {@code redis-server} started for the run: what a shared
 * bucket adds to the first call.
 *
 * <pre>
 * mvn -B -q -Pstartup package -DskipTests [-Dstartup.runs=10] [-Dstartup.otel=true] [-Dstartup.redis=true]
 *     [-Dstartup.jvm.options='... {run} ...'] [-Dstartup.log=true]
 * </pre>
 */
public final class StartupCost {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String POLICY =
      """
      version: 1
      sites:
        - {id: acme, url: '{jira}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_API_TOKEN}'}
      throttles:
        default: {capacity: 50, refill: 50/1s, max-wait: 2s}
      rules:
        - {id: reads, effect: allow, operations: [read:jira-work, read:jira-user, unscoped]}
      """;

  private StartupCost() {}

  record Sample(long wallMillis, long mainMillis, long firstCallMillis, long peakRssKb) {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.getInteger("startup.runs", 10);
    boolean otel = Boolean.getBoolean("startup.otel");
    boolean redis = Boolean.getBoolean("startup.redis");
    Path work =
        Files.createDirectories(Path.of(System.getProperty("warden.work.dir", "target/startup")));
    String token = "startup-" + UUID.randomUUID();
    try (FakeJira jira = FakeJira.builder().basicUser("bot@acme.example", token).start();
        OtlpReceiver otlp = OtlpReceiver.start();
        RedisServer store = redis ? RedisServer.start(work.resolve("redis"), null) : null) {
      Path policy = work.resolve("policy.yaml");
      Files.writeString(policy, POLICY.replace("{jira}", jira.url().toString()));
      String issue = jira.url() + "/rest/api/2/issue/OPS-1";

      Map<String, AppLauncher> variants = new LinkedHashMap<>();
      String basic =
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(
                      ("bot@acme.example:" + token)
                          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      variants.put("no agent", probe(issue, otlp).env("JIRA_AUTHORIZATION", basic));
      variants.put(
          "Warden",
          probe(issue, otlp)
              .agent(AppLauncher.builtAgent())
              .agentArgument("policy", policy.toString())
              .env("JIRA_API_TOKEN", token));
      if (store != null) {
        // The same throttle kept in Redis: its store opens in the background as the policy loads.
        Path shared = work.resolve("policy-redis.yaml");
        Files.writeString(
            shared,
            POLICY
                .replace("{jira}", jira.url().toString())
                .replace(
                    "max-wait: 2s}",
                    "max-wait: 2s, store: 'redis://127.0.0.1:" + store.port() + "'}"));
        variants.put(
            "Warden, Redis bucket",
            probe(issue, otlp)
                .agent(AppLauncher.builtAgent())
                .agentArgument("policy", shared.toString())
                .env("JIRA_API_TOKEN", token));
      }
      if (otel) {
        variants.put(
            "OpenTelemetry agent",
            probe(issue, otlp)
                .env("JIRA_AUTHORIZATION", basic)
                .javaOption("-javaagent:" + AppLauncher.libraryJar("otel-javaagent-2.22"))
                .env("OTEL_METRICS_EXPORTER", "none")
                .env("OTEL_LOGS_EXPORTER", "none"));
      }
      String extra = System.getProperty("startup.jvm.options", "").trim();
      if (!extra.isEmpty()) {
        // For a profile of where start-up goes (such runs' figures are not the benchmark's): {run}
        // names the variant, and its last run's output stays.
        variants.forEach(
            (name, launcher) ->
                launcher.javaOptions(
                    List.of(
                        extra
                            .replace(
                                "{run}",
                                name.replaceAll("[^A-Za-z]+", "-").toLowerCase(Locale.ROOT))
                            .split("\\s+"))));
      }
      Map<String, List<Sample>> samples = new LinkedHashMap<>();
      variants.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
      // One warm-up of each (the OS's file cache), then the variants alternate so drift hits all
      // alike.
      for (Map.Entry<String, AppLauncher> variant : variants.entrySet()) {
        measure(variant.getKey(), variant.getValue());
      }
      for (int i = 0; i < runs; i++) {
        for (Map.Entry<String, AppLauncher> variant : variants.entrySet()) {
          samples.get(variant.getKey()).add(measure(variant.getKey(), variant.getValue()));
        }
      }
      report(samples, runs);
    }
  }

  private static AppLauncher probe(String issue, OtlpReceiver otlp) {
    return new AppLauncher()
        .mainClass("com.acme.StartupProbe")
        .args(issue)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint().toString())
        .env("OTEL_SERVICE_NAME", "startup-probe");
  }

  private static Sample measure(String name, AppLauncher launcher) throws Exception {
    launcher.env("PROBE_LAUNCHED_AT_MILLIS", Long.toString(System.currentTimeMillis()));
    long start = System.nanoTime();
    AppRun run = launcher.run();
    long wall = (System.nanoTime() - start) / 1_000_000;
    JsonNode line =
        run.stdout().stream()
            .filter(l -> l.startsWith("{"))
            .findFirst()
            .map(StartupCost::parse)
            .orElse(null);
    if (run.exitCode() != 0 || line == null || line.path("status").asInt() != 200) {
      throw new IllegalStateException(name + ": the probe did not read its issue: " + run);
    }
    if (Boolean.getBoolean("startup.log")) {
      // With -Dstartup.jvm.options=-Dwarden.log.level=debug: where Warden's start-up went.
      run.wardenLog().forEach(l -> System.out.println(name + ": " + l));
    }
    return new Sample(
        wall,
        line.path("mainMillis").asLong(),
        line.path("firstCallMillis").asLong(),
        line.path("peakRssKb").asLong());
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      return null;
    }
  }

  private static void report(Map<String, List<Sample>> samples, int runs) {
    System.out.printf(
        Locale.ROOT,
        "%nStart-up of a small application (JDK HttpClient, one Jira read), %d runs each, medians (p90):%n%n",
        runs);
    System.out.printf(
        Locale.ROOT,
        "%-22s %16s %16s %18s %16s%n",
        "",
        "process (ms)",
        "to main (ms)",
        "first call (ms)",
        "peak RSS (MiB)");
    Sample baseline = null;
    for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
      List<Sample> list = entry.getValue();
      Sample median =
          new Sample(
              pct(list, Sample::wallMillis, 50),
              pct(list, Sample::mainMillis, 50),
              pct(list, Sample::firstCallMillis, 50),
              pct(list, Sample::peakRssKb, 50));
      System.out.printf(
          Locale.ROOT,
          "%-22s %8d (%5d) %8d (%5d) %10d (%5d) %8.1f (%5.1f)%n",
          entry.getKey(),
          median.wallMillis(),
          pct(list, Sample::wallMillis, 90),
          median.mainMillis(),
          pct(list, Sample::mainMillis, 90),
          median.firstCallMillis(),
          pct(list, Sample::firstCallMillis, 90),
          median.peakRssKb() / 1024.0,
          pct(list, Sample::peakRssKb, 90) / 1024.0);
      if (baseline == null) {
        baseline = median;
      } else {
        System.out.printf(
            Locale.ROOT,
            "%-22s %+16d %+16d %+18d %+16.1f%n",
            "  added",
            median.wallMillis() - baseline.wallMillis(),
            median.mainMillis() - baseline.mainMillis(),
            median.firstCallMillis() - baseline.firstCallMillis(),
            (median.peakRssKb() - baseline.peakRssKb()) / 1024.0);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nprocess: launch to exit, measured outside; to main: JVM start to main(); first call: main() to the"
            + " issue parsed; peak RSS: VmHWM at exit.%n");
  }

  private static long pct(
      List<Sample> list, java.util.function.ToLongFunction<Sample> field, int percentile) {
    long[] values = list.stream().mapToLong(field).sorted().toArray();
    int index =
        Math.min(values.length - 1, (int) Math.ceil(percentile / 100.0 * values.length) - 1);
    return values[Math.max(0, index)];
  }
}
