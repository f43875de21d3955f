package dev.warden.testapps.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.testapps.AppLauncher;
import dev.warden.testapps.AppRun;
import dev.warden.testapps.fakejira.FakeJira;
import dev.warden.testapps.fakejira.FakeOAuth;
import dev.warden.testapps.fakejira.Faults;
import dev.warden.testapps.otlp.OtlpReceiver;
import dev.warden.testapps.redis.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The soak harness: callers spread over every hooked client, in one JVM per group of clients that
 * share a class path, call the fake Jira through Warden for minutes while faults are injected on a
 * schedule that repeats every cycle: Jira slow, resetting connections, answering 500 and 503,
 * bursts of 429 with every {@code RateLimit-Reason}, Redis (the fleet's throttle store) stopped and
 * restarted, the OAuth token endpoint down and then refusing, the OTLP receiver down, and the
 * policy file rewritten every few seconds (valid, invalid, valid). The same callers run at the same
 * time without the agent against a second fake Jira with the same Jira faults: the baseline of what
 * the clients do on their own (some resend a request after a reset).
 *
 * <p>It prints, per client: requests made, answered, lost (never answered), requests Jira executed
 * twice or was sent again after a failure that did not allow it (writes only), and answers no fault
 * in force explains; per JVM: heap after a full GC, RSS and live threads at the start, middle and
 * end, and audit records (file and spans) against calls, with the losses Warden counted. A harness,
 * not a test: {@code SoakIT} runs a one-cycle version and asserts the targets.
 *
 * <pre>
 * mvn -B -q -Psoak package -DskipTests [-Dsoak.seconds=600] [-Dsoak.callers=200]
 *     [-Dsoak.cycle=60]
 * </pre>
 */
public final class Soak {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String USER = "soak@acme.example";
  static final String CLIENT_ID = "warden-soak";

  /** Clients that share one JVM (their libraries do not clash), and those libraries. */
  public record Group(String name, List<String> clients, List<String> libraries) {}

  /** Every hooked client, grouped by the class paths they can share. */
  public static final List<Group> GROUPS =
      List.of(
          new Group(
              "blocking",
              List.of(
                  "jdk",
                  "jdk-async",
                  "urlconnection",
                  "okhttp",
                  "apache4",
                  "apache4-async",
                  "apache5",
                  "apache5-async",
                  "jetty"),
              List.of(
                  "okhttp-4.12",
                  "apache-4.5",
                  "httpasyncclient-4.1.5",
                  "apache-5.6",
                  "jetty-12.1")),
          new Group("vertx", List.of("vertx-async"), List.of("vertx-4.5")),
          new Group("vertx-core", List.of("vertx-core-async"), List.of("vertx-5.0")),
          new Group("ahc", List.of("ahc-async"), List.of("ahc-3.0")),
          new Group("micronaut", List.of("micronaut-async"), List.of("micronaut-4.10")),
          new Group("reactor-netty", List.of("reactor-netty"), List.of("reactor-netty-1.3")));

  /** What to run. */
  public record Settings(long seconds, int callers, long cycleSeconds, List<Group> groups) {

    int clients() {
      return groups.stream().mapToInt(g -> g.clients().size()).sum();
    }

    int threadsPerClient() {
      return Math.max(1, (int) Math.round((double) callers / clients()));
    }
  }

  /** A window in which a fault was in force, in epoch milliseconds. */
  public record Window(String fault, long from, long to) {}

  /** One client's figures, with the agent or without. */
  public record ClientFigures(
      String client,
      long made,
      long answered,
      long failed,
      long lost,
      long staleTokens,
      Map<String, Long> clientsOwn,
      Map<String, String> exceptionSamples,
      long writesExecutedTwice,
      long writesResentAfterReset,
      long writesResentWrongly,
      long resendsAfterReset,
      Map<String, Long> unexplained,
      Map<String, Long> outcomes) {}

  /** One JVM's samples and audit figures. */
  public record JvmFigures(
      String group,
      boolean agent,
      List<JsonNode> samples,
      long calls,
      long clientResends,
      long clientResentRecords,
      long fileRecords,
      long spans,
      Map<String, Long> dropped,
      Map<String, Long> recordsByDecision,
      Map<String, Long> callsByDecision,
      int exitCode,
      List<String> wardenErrors) {}

  /** Everything a run found. */
  public record Result(
      List<ClientFigures> warden,
      List<ClientFigures> baseline,
      List<JvmFigures> jvms,
      List<Window> windows,
      List<String> policyReloads,
      List<String> secretsFound) {}

  private final Settings settings;
  private final Path work;
  private final PrintStream out;
  private final List<Window> windows = new CopyOnWriteArrayList<>();

  public Soak(Settings settings, Path work, PrintStream out) {
    this.settings = settings;
    this.work = work;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    Settings settings =
        new Settings(
            Long.getLong("soak.seconds", 600),
            Integer.getInteger("soak.callers", 200),
            Long.getLong("soak.cycle", 60),
            GROUPS);
    Path work =
        Files.createDirectories(Path.of(System.getProperty("warden.work.dir", "target/soak")));
    new Soak(settings, work, System.out).run();
  }

  /** Runs the soak, prints its tables and returns its figures. */
  public Result run() throws Exception {
    String token = "soak-" + UUID.randomUUID();
    String clientSecret = "soak-secret-" + UUID.randomUUID();
    String redisPassword = "soak-redis-" + UUID.randomUUID();
    out.printf(
        "Warden soak (%d CPUs, Java %d): %d callers over %d clients in %d JVMs, %d s, faults every"
            + " %d s cycle; the same without the agent as the baseline%n",
        Runtime.getRuntime().availableProcessors(),
        AppLauncher.javaFeature(),
        settings.threadsPerClient() * settings.clients(),
        settings.clients(),
        settings.groups().size(),
        settings.seconds(),
        settings.cycleSeconds());
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    try (FakeOAuth oauth =
            FakeOAuth.start().client(CLIENT_ID, clientSecret).accessTokenSeconds(20);
        FakeJira jira =
            FakeJira.builder().oauth(oauth).withoutJournal().advertisedLimit(100_000).start();
        FakeJira bare =
            FakeJira.builder()
                .basicUser(USER, token)
                .withoutJournal()
                .advertisedLimit(100_000)
                .start();
        OtlpReceiver otlp = OtlpReceiver.startCounting();
        RedisServer redis =
            RedisServer.start(Files.createDirectories(work.resolve("redis")), redisPassword)) {
      List<Path> policies = new ArrayList<>();
      List<AppLauncher.Running> running = new ArrayList<>();
      Map<String, Integer> metricsPorts = new LinkedHashMap<>();
      String authorization =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((USER + ":" + token).getBytes(StandardCharsets.UTF_8));
      List<String> reloads = new CopyOnWriteArrayList<>();
      Files.deleteIfExists(work.resolve("go"));
      for (Group group : settings.groups()) {
        Files.deleteIfExists(work.resolve("ready-w-" + group.name()));
        Files.deleteIfExists(work.resolve("ready-b-" + group.name()));
        Path refresh = work.resolve("refresh-" + group.name() + ".txt");
        Files.writeString(refresh, oauth.consent("soak-" + group.name()));
        Path policy = work.resolve("policy-" + group.name() + ".yaml");
        Files.writeString(policy, policy(jira, oauth, refresh, redis.port(), 0));
        policies.add(policy);
        Path audit = work.resolve("audit-" + group.name() + ".jsonl");
        Files.deleteIfExists(audit);
        int metricsPort = RedisServer.freePort();
        metricsPorts.put(group.name(), metricsPort);
        running.add(
            launcher(group, jira.url().toString(), "w-" + group.name(), metricsPort)
                .agent(AppLauncher.builtAgent())
                .agentArgument("policy", policy.toString())
                .agentArgument("audit.file", audit.toString())
                .agentArgument("audit.file.max-size", "4GB")
                .env("SOAK_CLIENT_SECRET", clientSecret)
                .env("REDIS_PASSWORD", redisPassword)
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint().toString())
                .env("OTEL_SERVICE_NAME", "soak-" + group.name())
                .env("WARDEN_OTEL_METRICS_EXPORTER", "prometheus")
                .env("WARDEN_OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(metricsPort))
                .start());
        running.add(
            launcher(group, bare.url().toString(), "b-" + group.name(), 0)
                .env("JIRA_AUTHORIZATION", authorization)
                .start());
      }
      // Every JVM has started, made its clients and one call through each: go together.
      long ready = System.currentTimeMillis() + 300_000;
      while (System.currentTimeMillis() < ready
          && settings.groups().stream()
              .anyMatch(
                  g ->
                      !Files.exists(work.resolve("ready-w-" + g.name()))
                          || !Files.exists(work.resolve("ready-b-" + g.name())))) {
        if (running.stream().anyMatch(r -> !r.isAlive())) {
          break;
        }
        Thread.sleep(100);
      }
      long start = System.currentTimeMillis() + 500;
      Files.writeString(work.resolve("go"), Long.toString(start));
      schedule(scheduler, start, jira, bare, oauth, redis, otlp);
      int[] version = {0};
      scheduler.scheduleAtFixedRate(
          () -> {
            version[0]++;
            try {
              for (int i = 0; i < policies.size(); i++) {
                Group group = settings.groups().get(i);
                Path refresh = work.resolve("refresh-" + group.name() + ".txt");
                String text =
                    version[0] % 3 == 1
                        ? "version: 1\nsites: [this is not a policy\n"
                        : policy(jira, oauth, refresh, redis.port(), version[0]);
                Path temporary =
                    policies.get(i).resolveSibling(policies.get(i).getFileName() + ".new");
                Files.writeString(temporary, text);
                Files.move(
                    temporary,
                    policies.get(i),
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
              }
              reloads.add(version[0] % 3 == 1 ? "invalid" : "valid");
            } catch (IOException e) {
              reloads.add("failed: " + e);
            }
          },
          3,
          3,
          TimeUnit.SECONDS);
      List<AppRun> runs = new ArrayList<>();
      for (AppLauncher.Running app : running) {
        runs.add(app.await());
      }
      scheduler.shutdownNow();
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
      restoreAll(jira, bare, oauth, redis, otlp);
      // The agents' last span exports after the receiver came back.
      Thread.sleep(1000);

      List<ClientFigures> warden = new ArrayList<>();
      List<ClientFigures> baseline = new ArrayList<>();
      List<JvmFigures> jvms = new ArrayList<>();
      Map<String, List<Faults.Fate>> wardenArrivals = jira.faults().arrivals();
      Map<String, List<Faults.Fate>> bareArrivals = bare.faults().arrivals();
      Map<String, Long> spans = otlp.spanCounts();
      for (int i = 0; i < settings.groups().size(); i++) {
        Group group = settings.groups().get(i);
        AppRun withAgent = runs.get(2 * i);
        AppRun without = runs.get(2 * i + 1);
        JsonNode agentJson = figures(group, withAgent, true);
        JsonNode bareJson = figures(group, without, false);
        Files.writeString(work.resolve("probe-w-" + group.name() + ".json"), agentJson.toString());
        Files.writeString(work.resolve("probe-b-" + group.name() + ".json"), bareJson.toString());
        long clientResends = 0;
        for (String client : group.clients()) {
          ClientFigures figures =
              clientFigures(client, agentJson, "w-" + group.name(), wardenArrivals, true);
          clientResends += figures.resendsAfterReset();
          warden.add(figures);
          baseline.add(clientFigures(client, bareJson, "b-" + group.name(), bareArrivals, false));
        }
        jvms.add(
            jvmFigures(
                group,
                true,
                agentJson,
                clientResends,
                withAgent,
                work.resolve("audit-" + group.name() + ".jsonl"),
                spans.getOrDefault("soak-" + group.name(), 0L)));
        jvms.add(jvmFigures(group, false, bareJson, 0, without, null, 0));
      }
      for (int i = 0; i < warden.size(); i++) {
        // An exception the same client also threw without the agent, outside every fault, is the
        // client's own (a pooled connection the server had closed): counted apart.
        ClientFigures w = warden.get(i);
        java.util.Set<String> own = new java.util.HashSet<>();
        baseline.get(i).unexplained().keySet().stream()
            .filter(k -> k.contains(" EXC "))
            .forEach(k -> own.add(k.substring(k.indexOf(" EXC "))));
        for (String key : List.copyOf(w.unexplained().keySet())) {
          if (key.contains(" EXC ") && own.contains(key.substring(key.indexOf(" EXC ")))) {
            w.clientsOwn().put(key, w.unexplained().remove(key));
          }
        }
      }
      out.printf(
          "%nWhat the fake Jira did with each arrival: with Warden %s; without %s%n",
          fates(wardenArrivals), fates(bareArrivals));
      List<String> secrets = new ArrayList<>(List.of(token, clientSecret, redisPassword));
      secrets.addAll(oauth.issuedRefreshTokens());
      secrets.addAll(oauth.issuedAccessTokens());
      List<String> found = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        String where =
            settings.groups().get(i / 2).name() + (i % 2 == 0 ? " with Warden" : " without");
        String output = runs.get(i).all();
        if (i % 2 == 0) {
          Path audit = work.resolve("audit-" + settings.groups().get(i / 2).name() + ".jsonl");
          if (Files.exists(audit)) {
            output += Files.readString(audit);
          }
        }
        for (String secret : secrets) {
          if (output.contains(secret)) {
            found.add(where + ": a secret of " + secret.length() + " characters");
          }
        }
      }
      Result result =
          new Result(warden, baseline, jvms, List.copyOf(windows), List.copyOf(reloads), found);
      print(result);
      return result;
    } finally {
      scheduler.shutdownNow();
    }
  }

  private AppLauncher launcher(Group group, String jiraUrl, String prefix, int metricsPort) {
    AppLauncher launcher =
        new AppLauncher()
            .mainClass("com.acme.SoakProbe")
            .javaOptions(List.of("-Xmx256m"))
            .timeout(Duration.ofSeconds(settings.seconds() + 240))
            .args(
                jiraUrl,
                String.join(",", group.clients()),
                Integer.toString(settings.threadsPerClient()),
                Long.toString(settings.seconds()),
                prefix,
                Integer.toString(metricsPort),
                work.toAbsolutePath().toString());
    group.libraries().forEach(launcher::library);
    return launcher;
  }

  /**
   * The policy every JVM with the agent runs: its own OAuth consent (a refresh token rotated into
   * its own file), searches throttled fleet-wide through Redis, reads and writes of OPS allowed,
   * deletes denied, anything else denied by default. {@code version} only changes a comment and a
   * rule id's suffix: each rewrite is a real change, with the same decisions.
   */
  static String policy(FakeJira jira, FakeOAuth oauth, Path refresh, int redisPort, int version) {
    return """
        # soak policy, version %5$d
        version: 1
        sites:
          - {id: jira, url: '%1$s', credential: bot}
        credentials:
          bot:
            type: oauth2-refresh
            token-url: '%2$s'
            client-id: %6$s
            client-secret: '${env:SOAK_CLIENT_SECRET}'
            refresh-token: '${file:%3$s}'
        throttles:
          searches:
            capacity: 20
            refill: 20/1s
            max-wait: 1s
            store: 'redis://:${env:REDIS_PASSWORD}@127.0.0.1:%4$d'
        retry:
          max-attempts: 3
          max-elapsed: 10s
          base-delay: 200ms
        rules:
          - {id: no-deletes-%5$d, effect: deny, operations: [deleteIssue]}
          - {id: searches, effect: allow, operations: [searchForIssuesUsingJql], throttle: searches}
          - {id: ops-work, effect: allow, operations: [getIssue, createIssue, doTransition]}
        """
        .formatted(jira.url(), oauth.tokenUrl(), refresh, redisPort, version, CLIENT_ID);
  }

  /** The faults of one cycle, at these seconds from its start, for this long. */
  private void schedule(
      ScheduledExecutorService scheduler,
      long start,
      FakeJira jira,
      FakeJira bare,
      FakeOAuth oauth,
      RedisServer redis,
      OtlpReceiver otlp) {
    double c = settings.cycleSeconds() / 60.0;
    for (long cycle = 0; cycle * settings.cycleSeconds() < settings.seconds(); cycle++) {
      long base = cycle * settings.cycleSeconds() * 1000;
      fault(
          scheduler,
          start,
          base,
          5 * c,
          7 * c,
          "jira slow 2 s",
          () -> both(jira, bare, f -> f.delay(2000)),
          () -> both(jira, bare, f -> f.delay(0)));
      fault(
          scheduler,
          start,
          base,
          10 * c,
          6 * c,
          "jira resets 20%",
          () -> both(jira, bare, f -> f.resets(20)),
          () -> both(jira, bare, f -> f.resets(0)));
      fault(
          scheduler,
          start,
          base,
          14 * c,
          6 * c,
          "jira 500 at 20%",
          () -> both(jira, bare, f -> f.errors(20, 500, false)),
          () -> both(jira, bare, f -> f.errors(0, 500, false)));
      fault(
          scheduler,
          start,
          base,
          20 * c,
          3 * c,
          "jira 503 at 20%, Retry-After",
          () -> both(jira, bare, f -> f.errors(20, 503, true)),
          () -> both(jira, bare, f -> f.errors(0, 503, false)));
      fault(
          scheduler,
          start,
          base,
          23 * c,
          3 * c,
          "jira 503 at 20%",
          () -> both(jira, bare, f -> f.errors(20, 503, false)),
          () -> both(jira, bare, f -> f.errors(0, 503, false)));
      fault(
          scheduler,
          start,
          base,
          24 * c,
          6 * c,
          "jira 429 bursts, every reason",
          () -> {
            for (FakeJira fake : List.of(jira, bare)) {
              burst(fake);
            }
          },
          () -> {
            jira.clearScripted();
            bare.clearScripted();
          });
      fault(
          scheduler,
          start,
          base,
          30 * c,
          12 * c,
          "redis stopped",
          redis::stop,
          () -> {
            try {
              redis.start();
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          });
      fault(
          scheduler,
          start,
          base,
          36 * c,
          4 * c,
          "token endpoint down",
          oauth::stop,
          () -> {
            try {
              oauth.restart();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      fault(
          scheduler,
          start,
          base,
          40 * c,
          6 * c,
          "token endpoint refusing (503)",
          () -> oauth.failWith(503),
          () -> oauth.failWith(0));
      fault(
          scheduler,
          start,
          base,
          44 * c,
          10 * c,
          "otlp receiver down",
          () -> {
            try {
              otlp.stop();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          () -> {
            try {
              otlp.restart();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }
  }

  private void fault(
      ScheduledExecutorService scheduler,
      long start,
      long cycleBase,
      double atSeconds,
      double forSeconds,
      String name,
      Runnable on,
      Runnable off) {
    long from = start + cycleBase + Math.round(atSeconds * 1000);
    long to = from + Math.round(forSeconds * 1000);
    if (from - start >= settings.seconds() * 1000) {
      return;
    }
    scheduler.schedule(
        () -> {
          try {
            on.run();
          } catch (RuntimeException e) {
            out.println("fault " + name + " could not start: " + e);
          }
        },
        from - System.currentTimeMillis(),
        TimeUnit.MILLISECONDS);
    scheduler.schedule(
        () -> {
          try {
            off.run();
          } catch (RuntimeException e) {
            out.println("fault " + name + " could not stop: " + e);
          }
          windows.add(new Window(name, from, System.currentTimeMillis()));
        },
        to - System.currentTimeMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static void both(FakeJira a, FakeJira b, java.util.function.Consumer<Faults> change) {
    change.accept(a.faults());
    change.accept(b.faults());
  }

  /** A burst of Jira's 429s: each reason Jira gives, and none, on the requests they concern. */
  private static void burst(FakeJira fake) {
    String body = "{\"errorMessages\":[\"Rate limit exceeded.\"],\"errors\":{}}";
    for (int i = 0; i < 15; i++) {
      fake.failNext(null, "/search", 429, reason("jira-burst-based"), body);
      fake.failNext("POST", "/transitions", 429, reason("jira-per-issue-on-write"), body);
      fake.failNext(null, null, 429, reason("jira-quota-global-based"), body);
      fake.failNext(null, null, 429, reason("jira-quota-tenant-based"), body);
      fake.failNext(null, null, 429, Map.of("Retry-After", "1"), body);
    }
  }

  private static Map<String, String> reason(String reason) {
    return Map.of("Retry-After", "1", "RateLimit-Reason", reason);
  }

  private static void restoreAll(
      FakeJira jira, FakeJira bare, FakeOAuth oauth, RedisServer redis, OtlpReceiver otlp) {
    both(jira, bare, Faults::clear);
    jira.clearScripted();
    bare.clearScripted();
    oauth.failWith(0);
    try {
      oauth.restart();
    } catch (Exception alreadyListening) {
      // It was not stopped.
    }
    try {
      redis.start();
    } catch (IOException alreadyRunning) {
      // It was not stopped.
    }
    try {
      otlp.restart();
    } catch (Exception alreadyListening) {
      // It was not stopped.
    }
  }

  private static JsonNode figures(Group group, AppRun run, boolean agent) {
    return run.stdout().stream()
        .filter(l -> l.startsWith("{\"soak\""))
        .map(Soak::json)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    group.name()
                        + (agent ? " with Warden" : " without")
                        + " printed no figures: "
                        + run));
  }

  /** Per client: what was made, answered and lost, and what Jira saw of its writes. */
  private ClientFigures clientFigures(
      String client,
      JsonNode json,
      String prefix,
      Map<String, List<Faults.Fate>> arrivals,
      boolean agent) {
    long made = json.path("made").path(client).asLong();
    long lost = json.path("lost").path(client).asLong();
    Map<String, Long> outcomes = new TreeMap<>();
    long answered = 0;
    long failed = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.path("outcomes").path(client).fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      outcomes.put(e.getKey(), e.getValue().asLong());
      if (e.getKey().contains(" EXC ")) {
        failed += e.getValue().asLong();
      } else {
        answered += e.getValue().asLong();
      }
    }
    Map<String, Long> unexplained = new TreeMap<>();
    long staleTokens = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.path("timed").path(client).fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String[] parts = e.getKey().split(" ", 3);
      long second = Long.parseLong(parts[0]);
      String op = parts[1];
      String outcome = parts[2];
      if (agent && outcome.equals("401 jira") && staleTokenPossible(client, second)) {
        staleTokens += e.getValue().asLong();
      } else if (!explained(op, outcome, second, agent)) {
        unexplained.merge(op + " " + outcome, e.getValue().asLong(), Long::sum);
      }
    }
    // Denied operations must have been denied every time, and the others never denied.
    outcomes.forEach(
        (key, count) -> {
          String[] parts = key.split(" ", 2);
          boolean deniedOp = parts[0].equals("deleteIssue") || parts[0].equals("getProject");
          if (agent && deniedOp && parts[1].startsWith("2")) {
            unexplained.merge(key, count, Long::sum);
          }
          if (parts[1].endsWith(" deny") && !deniedOp) {
            unexplained.merge(key, count, Long::sum);
          }
        });
    long executedTwice = 0;
    long resentAfterReset = 0;
    long resentWrongly = 0;
    long resendsAfterReset = 0;
    String mine = prefix + "/" + client + "/";
    for (Map.Entry<String, List<Faults.Fate>> e : arrivals.entrySet()) {
      String id = e.getKey();
      if (!id.startsWith(mine)) {
        continue;
      }
      List<Faults.Fate> fates = e.getValue();
      for (int i = 1; i < fates.size(); i++) {
        if (fates.get(i - 1).name().startsWith("RESET")) {
          resendsAfterReset++;
        }
      }
      if (!(id.contains("/createIssue/") || id.contains("/doTransition/"))) {
        continue;
      }
      if (fates.stream().filter(Faults.Fate::executed).count() > 1) {
        executedTwice++;
      }
      boolean afterReset = false;
      boolean wrongly = false;
      for (int i = 1; i < fates.size(); i++) {
        // A write may be sent again after Jira's 429 or 401 (it did nothing, and said so). After a
        // reset only the client resends (Warden never retries a request that got no answer): the
        // baseline shows which clients do. After a 500 or 503 nobody may.
        Faults.Fate before = fates.get(i - 1);
        if (before.name().startsWith("RESET")) {
          afterReset = true;
        } else if (before == Faults.Fate.ERROR || before == Faults.Fate.SERVED) {
          wrongly = true;
        }
      }
      resentAfterReset += afterReset ? 1 : 0;
      resentWrongly += wrongly ? 1 : 0;
    }
    Map<String, String> samples = new TreeMap<>();
    json.path("exceptions")
        .path(client)
        .fields()
        .forEachRemaining(e -> samples.put(e.getKey(), e.getValue().asText()));
    return new ClientFigures(
        client,
        made,
        answered,
        failed,
        lost,
        staleTokens,
        new TreeMap<>(),
        samples,
        executedTwice,
        resentAfterReset,
        resentWrongly,
        resendsAfterReset,
        unexplained,
        outcomes);
  }

  /**
   * Whether an answer other than a success, a denial of a denied operation or Warden's throttle is
   * explained by a fault in force when it came (or up to 15 s before: a call that met a fault may
   * wait, be retried and come back later).
   */
  /** The clients Warden cannot send a request again through (it answers what Jira answered). */
  static final java.util.Set<String> NOT_RESENDABLE =
      java.util.Set.of(
          "vertx-async", "vertx-core-async", "ahc-async", "micronaut-async", "reactor-netty");

  /**
   * Whether Jira's 401 may be to an access token that expired between Warden setting it and Jira
   * reading the request: a client Warden cannot resend through (so it cannot renew and retry), a
   * token endpoint that was away or Jira slow (requests wait in the client's own pool) within a
   * token's life (20 s) before.
   */
  private boolean staleTokenPossible(String client, long second) {
    if (!NOT_RESENDABLE.contains(client)) {
      return false;
    }
    long at = second * 1000;
    return windows.stream()
        .anyMatch(
            w ->
                (w.fault().startsWith("token endpoint") || w.fault().startsWith("jira slow"))
                    && at + 1000 >= w.from()
                    && at <= w.to() + 25_000);
  }

  private boolean explained(String op, String outcome, long second, boolean agent) {
    if (outcome.endsWith(" throttled")) {
      return op.equals("search");
    }
    List<String> faults = new ArrayList<>();
    long at = second * 1000;
    for (Window window : windows) {
      if (at + 1000 >= window.from() && at <= window.to() + 15_000) {
        faults.add(window.fault());
      }
    }
    boolean resets = faults.stream().anyMatch(f -> f.startsWith("jira resets"));
    boolean errors500 = faults.stream().anyMatch(f -> f.startsWith("jira 500"));
    boolean errors503 = faults.stream().anyMatch(f -> f.startsWith("jira 503"));
    boolean bursts = faults.stream().anyMatch(f -> f.startsWith("jira 429"));
    boolean token = faults.stream().anyMatch(f -> f.startsWith("token endpoint"));
    if (outcome.startsWith("EXC ")) {
      return resets;
    }
    if (!agent && (op.equals("deleteIssue") || op.equals("getProject"))) {
      // Without the agent Jira decides: the issue is gone after the first delete, HR is
      // readable.
      return outcome.startsWith("404") || outcome.startsWith("2");
    }
    return switch (outcome) {
      case "500 jira" -> errors500;
      case "503 jira" -> errors503;
      case "429 jira" -> bursts;
      case "503 unavailable" -> agent && token;
      default -> false;
    };
  }

  private JvmFigures jvmFigures(
      Group group,
      boolean agent,
      JsonNode json,
      long clientResends,
      AppRun run,
      Path audit,
      long spans)
      throws IOException {
    List<JsonNode> samples = new ArrayList<>();
    json.path("samples").forEach(samples::add);
    long calls = 0;
    for (JsonNode made : json.path("made")) {
      calls += made.asLong();
    }
    Map<String, Long> callsByDecision = new TreeMap<>();
    json.path("outcomes")
        .forEach(
            client ->
                client
                    .fields()
                    .forEachRemaining(
                        e -> {
                          String key = e.getKey();
                          String decision =
                              key.endsWith(" deny")
                                  ? "deny"
                                  : key.endsWith(" throttled") ? "throttled" : "other";
                          callsByDecision.merge(decision, e.getValue().asLong(), Long::sum);
                        }));
    Map<String, Long> dropped = new TreeMap<>();
    json.path("auditDropped")
        .fields()
        .forEachRemaining(e -> dropped.put(e.getKey(), e.getValue().asLong()));
    Map<String, Long> records = new TreeMap<>();
    long fileRecords = 0;
    long clientResentRecords = 0;
    if (audit != null && Files.exists(audit)) {
      try (BufferedReader reader = Files.newBufferedReader(audit, StandardCharsets.UTF_8)) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          fileRecords++;
          JsonNode record = JSON.readTree(line);
          long resends = record.path("attributes").path("http.request.resend_count").asLong(0);
          long wardensRetries = 0;
          for (JsonNode event : record.path("events")) {
            if (event.path("name").asText().equals("warden.retry")) {
              wardensRetries++;
            }
          }
          if (resends > wardensRetries) {
            // The client sent this request again on its own (below Warden's hook): a record of
            // its own, marked as a resend.
            clientResentRecords++;
          }
          String decision = record.path("attributes").path("warden.decision").asText("?");
          records.merge(decision, 1L, Long::sum);
        }
      }
    }
    List<String> errors =
        run.wardenLog().stream()
            .filter(l -> l.contains("[warden] error") || l.contains("Exception"))
            .limit(20)
            .toList();
    return new JvmFigures(
        group.name(),
        agent,
        samples,
        calls,
        clientResends,
        clientResentRecords,
        fileRecords,
        spans,
        dropped,
        records,
        callsByDecision,
        run.exitCode(),
        errors);
  }

  private void print(Result result) {
    out.println();
    out.println("Faults injected:");
    Map<String, Integer> times = new TreeMap<>();
    result.windows().forEach(w -> times.merge(w.fault(), 1, Integer::sum));
    times.forEach((fault, n) -> out.printf("  %-36s %d time(s)%n", fault, n));
    long invalid = result.policyReloads().stream().filter(r -> r.equals("invalid")).count();
    out.printf(
        "  policy rewritten %d times (%d invalid)%n", result.policyReloads().size(), invalid);
    out.println();
    out.println("Per client, with Warden (baseline without the agent in brackets):");
    out.printf(
        "  %-17s %12s %12s %10s %6s %12s %14s %12s %12s%n",
        "client",
        "made",
        "answered",
        "I/O error",
        "lost",
        "writes twice",
        "resent: reset",
        "resent: else",
        "unexplained");
    for (int i = 0; i < result.warden().size(); i++) {
      ClientFigures w = result.warden().get(i);
      ClientFigures b = result.baseline().get(i);
      out.printf(
          "  %-17s %12s %12s %10s %6s %12s %14s %12s %12d%n",
          w.client(),
          w.made() + " (" + b.made() + ")",
          w.answered() + " (" + b.answered() + ")",
          w.failed() + " (" + b.failed() + ")",
          w.lost() + " (" + b.lost() + ")",
          w.writesExecutedTwice() + " (" + b.writesExecutedTwice() + ")",
          w.writesResentAfterReset() + " (" + b.writesResentAfterReset() + ")",
          w.writesResentWrongly() + " (" + b.writesResentWrongly() + ")",
          w.unexplained().values().stream().mapToLong(Long::longValue).sum());
    }
    for (int i = 0; i < result.warden().size(); i++) {
      ClientFigures w = result.warden().get(i);
      ClientFigures b = result.baseline().get(i);
      if (!w.unexplained().isEmpty()) {
        out.printf("  %s unexplained: %s%n", w.client(), w.unexplained());
        w.unexplained().keySet().stream()
            .filter(k -> k.contains(" EXC "))
            .map(k -> k.substring(k.indexOf(" EXC ") + 5))
            .distinct()
            .forEach(
                k ->
                    w.exceptionSamples().entrySet().stream()
                        .filter(e -> e.getKey().endsWith(k))
                        .findFirst()
                        .ifPresent(e -> out.printf("      %s: %s%n", e.getKey(), e.getValue())));
      }
      if (!w.clientsOwn().isEmpty()) {
        out.printf(
            "  %s, the client's own (it threw them without the agent too, outside every fault:"
                + " %s): %s%n",
            w.client(), b.unexplained(), w.clientsOwn());
      }
      if (w.staleTokens() > 0) {
        out.printf(
            "  %s: %d x Jira's 401 to an access token that expired on its way (Warden cannot"
                + " resend through this client to renew it)%n",
            w.client(), w.staleTokens());
      }
    }
    out.printf(
        "%nSecrets (Jira token, OAuth client secret, Redis password, every refresh and access"
            + " token issued) in any output or audit file: %s%n",
        result.secretsFound().isEmpty() ? "none" : result.secretsFound());
    out.println();
    out.println("Per JVM: heap after GC MB / RSS MB / threads at start, middle, end; audit");
    for (JvmFigures j : result.jvms()) {
      StringBuilder samples = new StringBuilder();
      for (JsonNode s : j.samples()) {
        samples.append(
            String.format(
                "%5.1f/%4.0f/%3d  ",
                s.path("heapAfterGcBytes").asLong() / 1048576.0,
                s.path("rssBytes").asLong() / 1048576.0,
                s.path("threads").asInt()));
      }
      out.printf(
          "  %-14s %-8s %s exit %d%n",
          j.group(), j.agent() ? "Warden" : "baseline", samples, j.exitCode());
      if (j.agent()) {
        out.printf(
            "      calls %d, audit file %d (%d of them a client's own resend; %d resends after a"
                + " reset reached Jira), spans %d, counted losses %s; file by decision %s,"
                + " calls %s%n",
            j.calls(),
            j.fileRecords(),
            j.clientResentRecords(),
            j.clientResends(),
            j.spans(),
            j.dropped(),
            j.recordsByDecision(),
            j.callsByDecision());
        j.wardenErrors().forEach(e -> out.println("      " + e));
      }
    }
  }

  private static Map<Faults.Fate, Long> fates(Map<String, List<Faults.Fate>> arrivals) {
    Map<Faults.Fate, Long> out = new java.util.EnumMap<>(Faults.Fate.class);
    arrivals.values().forEach(list -> list.forEach(f -> out.merge(f, 1L, Long::sum)));
    return out;
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalStateException(line, e);
    }
  }
}
