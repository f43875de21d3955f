package dev.warden.testapps.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.testapps.AppLauncher;
import dev.warden.testapps.AppRun;
import dev.warden.testapps.fakejira.FakeJira;
import dev.warden.testapps.fakejira.Received;
import dev.warden.testapps.otlp.OtlpReceiver;
import dev.warden.testapps.redis.RedisServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The throttle load harness (issue 4's figures): real JVMs with the agent, against the fake Jira
 * and a real {@code redis-server}, printing what they measure. A benchmark, not a test: it asserts
 * nothing, and says beside each figure the target it is compared with.
 *
 * <ol>
 *   <li>One JVM, a throttle of 10 requests/s, 30 s of as many requests as eight threads can make:
 *       the rate that reached Jira (target: within 2% of 10/s).
 *   <li>Four JVMs sharing one Redis bucket of 10 requests/s for 30 s: the sum that reached Jira
 *       (target: within 5% of 10/s).
 *   <li>A fake Jira enforcing a burst limit of 20 GETs/s, Warden's budget set to the same 20/s, 20
 *       s of load: how many 429s Jira sent and how many reached the application (target: none).
 *   <li>The added latency per request of a Redis-backed bucket: p50 and p99 without the agent, with
 *       a local bucket, and with a Redis bucket, in one run.
 * </ol>
 *
 * <pre>mvn -B -q -Pload package -DskipTests [-Dload.seconds=30]</pre>
 */
public final class ThrottleLoad {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "bot@acme.example";

  private static final String POLICY =
      """
      version: 1
      sites:
        - {id: jira, url: '{jira}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      throttles:
        budget: {%s}
      rules:
        - {id: reads, effect: allow, operations: [read:jira-work, read:jira-user, unscoped], throttle: budget}
      """;

  private ThrottleLoad() {}

  public static void main(String[] args) throws Exception {
    long seconds = Long.getLong("load.seconds", 30);
    Path work =
        Files.createDirectories(Path.of(System.getProperty("warden.work.dir", "target/load")));
    String token = "load-" + UUID.randomUUID();
    System.out.println(
        "Warden throttle load harness ("
            + Runtime.getRuntime().availableProcessors()
            + " cores, Java "
            + Runtime.version().feature()
            + ")");
    try (OtlpReceiver otlp = OtlpReceiver.start();
        RedisServer redis = RedisServer.start(work.resolve("redis"), null)) {
      String store = "store: 'redis://127.0.0.1:" + redis.port() + "'";

      String only = System.getProperty("load.only", "");
      if (only.isEmpty() || only.contains("1"))
        try (FakeJira jira = FakeJira.builder().basicUser(USER, token).start()) {
          Path policy = policy(work, "one", jira, "capacity: 1, refill: 10/1s, max-wait: 60s");
          long startAt = System.currentTimeMillis() + 1_500;
          JsonNode result =
              probe(jira, otlp, token, policy, 8, seconds, 0, startAt).run().stdout().stream()
                  .filter(l -> l.startsWith("{"))
                  .map(ThrottleLoad::json)
                  .findFirst()
                  .orElseThrow();
          double rate = reached(jira, startAt, seconds) / (double) seconds;
          System.out.printf(
              "1. one JVM, 10 requests/s, %d s, 8 threads: %.2f requests/s reached Jira (%+.2f%%; target within 2%%); "
                  + "the application saw %s%n",
              seconds, rate, (rate / 10 - 1) * 100, result.path("statuses"));
        }

      int fleet = Integer.getInteger("load.jvms", 4);
      if (only.isEmpty() || only.contains("2"))
        try (FakeJira jira = FakeJira.builder().basicUser(USER, token).start()) {
          Path policy =
              policy(work, "fleet", jira, "capacity: 1, refill: 10/1s, max-wait: 60s, " + store);
          redis.cli("FLUSHALL");
          long startAt = System.currentTimeMillis() + 12_000;
          List<AppLauncher.Running> jvms = new ArrayList<>();
          for (int i = 0; i < fleet; i++) {
            jvms.add(probe(jira, otlp, token, policy, 4, seconds, 0, startAt).start());
          }
          List<String> each = new ArrayList<>();
          for (AppLauncher.Running jvm : jvms) {
            AppRun run = jvm.await();
            run.wardenLog().stream()
                .filter(l -> !l.contains("info:") && !l.contains("plain http"))
                .forEach(l -> System.out.println("   " + l));
            each.add(
                run.stdout().stream()
                    .filter(l -> l.startsWith("{"))
                    .map(ThrottleLoad::json)
                    .map(j -> j.path("statuses").toString())
                    .findFirst()
                    .orElse(run.toString()));
          }
          double rate = reached(jira, startAt, seconds) / (double) seconds;
          System.out.printf(
              "2. four JVMs sharing one Redis bucket of 10 requests/s, %d s: %.2f requests/s reached Jira in all "
                  + "(%+.2f%%; target within 5%%); each JVM saw %s%n",
              seconds, rate, (rate / 10 - 1) * 100, each);
        }

      long burstSeconds = Math.max(10, seconds * 2 / 3);
      for (String budget : List.of("capacity: 20, refill: 20/1s", "capacity: 1, refill: 20/1s"))
        if (only.isEmpty() || only.contains("3"))
          try (FakeJira jira =
              FakeJira.builder().basicUser(USER, token).rateLimits(20, 10).start()) {
            Path policy = policy(work, "burst", jira, budget + ", max-wait: 60s");
            long startAt = System.currentTimeMillis() + 1_500;
            JsonNode result =
                probe(jira, otlp, token, policy, 8, burstSeconds, 0, startAt)
                    .run()
                    .stdout()
                    .stream()
                    .filter(l -> l.startsWith("{"))
                    .map(ThrottleLoad::json)
                    .findFirst()
                    .orElseThrow();
            System.out.printf(
                "3. Jira enforcing a burst limit of 20 GETs/s, Warden's budget {%s}, %d s, 8 threads: Jira answered %d "
                    + "requests with 429 (Warden retried them), %d 429s reached the application (target: 0), %.2f requests/s served%n",
                budget,
                burstSeconds,
                jira.refused(),
                result.path("jiras429").asLong(),
                reached200(jira, startAt, burstSeconds) / (double) burstSeconds);
          }

      if (only.isEmpty() || only.contains("4"))
        try (FakeJira jira = FakeJira.builder().basicUser(USER, token).start()) {
          int count = 6_000;
          int warmUp = 3_000;
          String basic =
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString((USER + ":" + token).getBytes(StandardCharsets.UTF_8));
          String[] names = {"no agent", "Warden, local bucket", "Warden, Redis bucket"};
          String[] throttles = {
            null,
            "capacity: 100000, refill: 100000/1s",
            "capacity: 100000, refill: 100000/1s, " + store
          };
          long[][] figures = new long[3][];
          for (int round = 0; round < 2; round++) {
            // Round 0 warms the fake Jira and the machine; round 1 is reported.
            for (int v = 0; v < 3; v++) {
              AppLauncher launcher;
              if (throttles[v] == null) {
                launcher =
                    new AppLauncher()
                        .mainClass("com.acme.LoadProbe")
                        .env("JIRA_AUTHORIZATION", basic)
                        .args(
                            jira.url() + "/rest/api/2/issue/OPS-1",
                            "1",
                            "0",
                            Integer.toString(count),
                            "0",
                            Integer.toString(warmUp));
              } else {
                launcher =
                    probe(
                            jira,
                            otlp,
                            token,
                            policy(work, "latency-" + v, jira, throttles[v]),
                            1,
                            0,
                            count,
                            0)
                        .args(Integer.toString(warmUp));
              }
              JsonNode result =
                  launcher.run().stdout().stream()
                      .filter(l -> l.startsWith("{"))
                      .map(ThrottleLoad::json)
                      .findFirst()
                      .orElseThrow();
              figures[v] =
                  new long[] {result.path("p50Micros").asLong(), result.path("p99Micros").asLong()};
            }
          }
          System.out.printf(
              "4. latency per request, %d sequential reads of one issue from one thread after %d to warm up (p50 / p99):%n",
              count - warmUp, warmUp);
          for (int v = 0; v < 3; v++) {
            System.out.printf("   %-22s %6d µs / %6d µs%n", names[v], figures[v][0], figures[v][1]);
          }
          System.out.printf(
              "   a Redis bucket adds %d µs at p50 and %d µs at p99 over a local one%n",
              figures[2][0] - figures[1][0], figures[2][1] - figures[1][1]);
        }
    }
  }

  private static Path policy(Path work, String name, FakeJira jira, String throttle)
      throws Exception {
    Path file = work.resolve("policy-" + name + ".yaml");
    Files.writeString(file, POLICY.formatted(throttle).replace("{jira}", jira.url().toString()));
    return file;
  }

  private static AppLauncher probe(
      FakeJira jira,
      OtlpReceiver otlp,
      String token,
      Path policy,
      int threads,
      long seconds,
      long count,
      long startAt) {
    return new AppLauncher()
        .mainClass("com.acme.LoadProbe")
        .agent(AppLauncher.builtAgent())
        .agentArgument("policy", policy.toString())
        .env("JIRA_TOKEN", token)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint().toString())
        .env("OTEL_SERVICE_NAME", "warden-load")
        .timeout(java.time.Duration.ofSeconds(seconds + 120))
        .args(
            jira.url() + "/rest/api/2/issue/OPS-1",
            Integer.toString(threads),
            Long.toString(seconds),
            Long.toString(count),
            Long.toString(startAt));
  }

  /** Requests Jira received in the measured window. */
  private static long reached(FakeJira jira, long startAt, long seconds) {
    return jira.journal().matching(r -> inWindow(r, startAt, seconds)).size();
  }

  private static long reached200(FakeJira jira, long startAt, long seconds) {
    return reached(jira, startAt, seconds) - jira.refused();
  }

  private static boolean inWindow(Received r, long startAt, long seconds) {
    return r.atMillis() >= startAt && r.atMillis() < startAt + seconds * 1000;
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException(line, e);
    }
  }
}
