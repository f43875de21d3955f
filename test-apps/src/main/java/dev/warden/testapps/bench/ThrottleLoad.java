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
 *   <li>Four JVMs sharing one Redis bucket of 10 and of 200 requests/s for 60 s ({@code
 *       load.fleet.seconds}): the sum that reached Jira, over the whole run and over every 30 s
 *       window (target: within 5% of the rate). At 200/s each round trip to Redis leases 10 tokens.
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
      long fleetSeconds = Long.getLong("load.fleet.seconds", Math.max(60, seconds));
      for (int rate :
          java.util.Arrays.stream(System.getProperty("load.rates", "10,200").split(","))
              .mapToInt(Integer::parseInt)
              .toArray())
        if (only.isEmpty() || only.contains("2"))
          // A tenant whose burst limit is above the rate: Jira does not say X-RateLimit-NearLimit
          // (which halves the rate, CONTRACT section 3).
          try (FakeJira jira =
              FakeJira.builder().basicUser(USER, token).advertisedLimit(4 * rate).start()) {
            // A burst of a tenth of a second: a bucket of 200/s leases 10 tokens a round trip.
            String limits =
                "capacity: " + Math.max(1, rate / 10) + ", refill: " + rate + "/1s, max-wait: 60s";
            Path policy = policy(work, "fleet-" + rate, jira, limits + ", " + store);
            redis.cli("FLUSHALL");
            long startAt = System.currentTimeMillis() + 12_000;
            List<AppLauncher.Running> jvms = new ArrayList<>();
            for (int i = 0; i < fleet; i++) {
              jvms.add(probe(jira, otlp, token, policy, 4, fleetSeconds, 0, startAt).start());
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
                      .map(j -> j.path("statuses") + " p50 " + j.path("p50Micros") + " µs")
                      .findFirst()
                      .orElse(run.toString()));
            }
            if (Boolean.getBoolean("load.redis.stats")) {
              System.out.println(redis.cli("INFO", "commandstats"));
            }
            long[] perSecond = new long[(int) fleetSeconds];
            jira.journal()
                .matching(r -> inWindow(r, startAt, fleetSeconds))
                .forEach(r -> perSecond[(int) ((r.atMillis() - startAt) / 1000)]++);
            double whole = java.util.Arrays.stream(perSecond).sum() / (double) fleetSeconds;
            double lowest = Double.MAX_VALUE;
            double highest = 0;
            int window = (int) Math.min(30, fleetSeconds);
            for (int from = 0; from + window <= perSecond.length; from++) {
              long sum = 0;
              for (int i = from; i < from + window; i++) {
                sum += perSecond[i];
              }
              lowest = Math.min(lowest, sum / (double) window);
              highest = Math.max(highest, sum / (double) window);
            }
            System.out.printf(
                "2. %d JVMs sharing one Redis bucket {%s}, %d s: %.2f requests/s reached Jira in all (%+.2f%%); "
                    + "every %d s window between %+.2f%% and %+.2f%% (target within 5%%); lease %d tokens; "
                    + "each JVM saw %s%n",
                fleet,
                limits,
                fleetSeconds,
                whole,
                (whole / rate - 1) * 100,
                window,
                (lowest / rate - 1) * 100,
                (highest / rate - 1) * 100,
                Math.max(1, Math.min(100, rate / 20)),
                each);
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
