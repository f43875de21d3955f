package dev.warden.testapps.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.testapps.AppLauncher;
import dev.warden.testapps.AppRun;
import dev.warden.testapps.fakejira.FakeJira;
import dev.warden.testapps.otlp.OtlpReceiver;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side overhead harness: for every hooked client, the same closed-loop allowed GET
 * against the fake Jira, without an agent, with Warden (its audit exported over OTLP to a receiver
 * in this process, which discards it), and, when {@code nginx} is on the {@code PATH}, through an
 * nginx reverse proxy that sets the credential. Runs interleave (the order alternates each pair)
 * and the medians of the pairs are printed, per client and concurrency: requests/s, p50, p99, the
 * ratio to no agent, CPU and bytes allocated per call, threads started, how long each run warmed up
 * (at least {@code overhead.warmup} seconds, then until the JIT compilers were quiet) and how long
 * the JIT still compiled while it was measured. A benchmark, not a test: it asserts nothing.
 *
 * <pre>
 * mvn -B -q -Poverhead package -DskipTests [-Doverhead.pairs=5] [-Doverhead.seconds=4]
 *     [-Doverhead.warmup=10] [-Doverhead.clients=jdk,okhttp] [-Doverhead.concurrency=1,16]
 *     [-Doverhead.jfr=DIR [-Doverhead.jfr.settings=FILE.jfc]] [-Doverhead.jvm.options='... {run} ...']
 * </pre>
 */
public final class Overhead {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String USER = "bot@acme.example";

  /** A hooked client, and the library module it runs on. */
  public record Client(String name, String library) {}

  /** Every hooked client, on the newest version of its library the matrix has. */
  public static final List<Client> CLIENTS =
      List.of(
          new Client("jdk", null),
          new Client("jdk-async", null),
          new Client("urlconnection", null),
          new Client("okhttp", "okhttp-4.12"),
          new Client("apache4", "apache-4.5"),
          new Client("apache4-async", "httpasyncclient-4.1.5"),
          new Client("apache5", "apache-5.6"),
          new Client("apache5-async", "apache-5.6"),
          new Client("jetty", "jetty-12.1"),
          new Client("vertx-async", "vertx-4.5"),
          new Client("vertx-core-async", "vertx-5.0"),
          new Client("ahc-async", "ahc-3.0"),
          new Client("micronaut-async", "micronaut-4.10"),
          new Client("reactor-netty", "reactor-netty-1.3"));

  /** How a run reaches Jira. */
  public enum Variant {
    NONE("no agent"),
    WARDEN("Warden"),
    NGINX("nginx proxy");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  /** One run's figures, as the probe printed them. */
  public record Figures(
      double rps,
      double p50,
      double p99,
      double cpuMicros,
      double allocBytes,
      double threadsStarted,
      double warmUpSeconds,
      double jitMillis,
      long calls,
      long errors) {

    static Figures of(JsonNode json) {
      return new Figures(
          json.path("rps").asDouble(),
          json.path("p50Micros").asDouble(),
          json.path("p99Micros").asDouble(),
          json.path("cpuMicrosPerCall").asDouble(),
          json.path("allocBytesPerCall").asDouble(),
          json.path("threadsStarted").asDouble(),
          json.path("warmUpMillis").asDouble() / 1000,
          json.path("jitMillis").asDouble(),
          json.path("calls").asLong(),
          json.path("errors").asLong());
    }

    static Figures median(List<Figures> runs) {
      return new Figures(
          median(runs, Figures::rps),
          median(runs, Figures::p50),
          median(runs, Figures::p99),
          median(runs, Figures::cpuMicros),
          median(runs, Figures::allocBytes),
          median(runs, Figures::threadsStarted),
          median(runs, Figures::warmUpSeconds),
          median(runs, Figures::jitMillis),
          runs.stream().mapToLong(Figures::calls).sum(),
          runs.stream().mapToLong(Figures::errors).sum());
    }

    private static double median(List<Figures> runs, ToDoubleFunction<Figures> figure) {
      double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
      int n = values.length;
      return n == 0 ? 0 : n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
  }

  /** What to run. */
  public record Settings(
      List<Client> clients,
      List<Integer> concurrencies,
      int pairs,
      long warmUpSeconds,
      long seconds,
      long count,
      List<String> jvmOptions,
      boolean nginx) {}

  private final Settings settings;
  private final Path work;
  private final PrintStream out;

  public Overhead(Settings settings, Path work, PrintStream out) {
    this.settings = settings;
    this.work = work;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    String only = System.getProperty("overhead.clients", "");
    List<Client> clients =
        only.isBlank()
            ? CLIENTS
            : CLIENTS.stream()
                .filter(c -> Arrays.asList(only.split(",")).contains(c.name()))
                .toList();
    List<Integer> concurrencies =
        Arrays.stream(System.getProperty("overhead.concurrency", "1,16").split(","))
            .map(String::trim)
            .map(Integer::valueOf)
            .toList();
    Settings settings =
        new Settings(
            clients,
            concurrencies,
            Integer.getInteger("overhead.pairs", 5),
            // At least this long, then on until the JIT compilers are quiet (OverheadProbe): on two
            // CPUs C2 compiles Warden's code for 15 to 50 s of this loop, and figures taken before
            // then are the interpreter's and C1's, and the compiler threads' time.
            Long.getLong("overhead.warmup", 10),
            Long.getLong("overhead.seconds", 4),
            0,
            List.of(),
            onPath("nginx"));
    Path work =
        Files.createDirectories(Path.of(System.getProperty("warden.work.dir", "target/overhead")));
    new Overhead(settings, work, System.out).run();
  }

  /**
   * Runs every client at every concurrency, prints the table and returns the medians: client name,
   * then concurrency, then variant.
   */
  public Map<String, Map<Integer, Map<Variant, Figures>>> run() throws Exception {
    String token = "overhead-" + UUID.randomUUID();
    String authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((USER + ":" + token).getBytes(StandardCharsets.UTF_8));
    Map<String, Map<Integer, Map<Variant, Figures>>> results = new LinkedHashMap<>();
    out.printf(
        "Warden overhead harness (%d CPUs, Java %d; %d pairs, %d s warm-up, %s; audit over OTLP"
            + "%s)%n",
        Runtime.getRuntime().availableProcessors(),
        AppLauncher.javaFeature(),
        settings.pairs(),
        settings.warmUpSeconds(),
        settings.count() > 0 ? settings.count() + " calls" : settings.seconds() + " s measured",
        settings.nginx() ? "; nginx found" : "; no nginx on the PATH");
    try (FakeJira jira = FakeJira.builder().basicUser(USER, token).withoutJournal().start();
        OtlpReceiver otlp = OtlpReceiver.startDiscarding();
        Nginx nginx =
            settings.nginx() ? Nginx.start(work, jira.url().getPort(), authorization) : null) {
      Path policy = work.resolve("policy.yaml");
      Files.writeString(
          policy,
          """
          version: 1
          sites:
            - {id: jira, url: '%s', credential: bot}
          credentials:
            bot: {type: basic, username: %s, password: '${env:JIRA_TOKEN}'}
          rules:
            - {id: reads, effect: allow, operations: [read:jira-work, read:jira-user, unscoped]}
          """
              .formatted(jira.url(), USER));
      String path = "/rest/api/2/issue/OPS-1";
      List<Variant> variants = new ArrayList<>(List.of(Variant.NONE, Variant.WARDEN));
      if (nginx != null) {
        variants.add(Variant.NGINX);
      }
      for (Client client : settings.clients()) {
        for (int concurrency : settings.concurrencies()) {
          Map<Variant, List<Figures>> runs = new LinkedHashMap<>();
          for (int pair = 0; pair < settings.pairs(); pair++) {
            List<Variant> order = new ArrayList<>(variants);
            if (pair % 2 == 1) {
              java.util.Collections.reverse(order);
            }
            for (Variant variant : order) {
              AppLauncher launcher =
                  new AppLauncher()
                      .mainClass("com.acme.OverheadProbe")
                      .javaOptions(settings.jvmOptions())
                      .timeout(
                          Duration.ofSeconds(settings.warmUpSeconds() + settings.seconds() + 120));
              if (client.library() != null) {
                launcher.library(client.library());
              }
              String url = jira.url() + path;
              String extra = System.getProperty("overhead.jvm.options", "").trim();
              if (!extra.isEmpty()) {
                // Options for every run; {run} names the run (a profiler's output file, say).
                String run = client.name() + "-" + concurrency + "-" + variant + "-" + pair;
                launcher.javaOptions(List.of(extra.replace("{run}", run).split("\\s+")));
              }
              switch (variant) {
                case NONE -> launcher.env("JIRA_AUTHORIZATION", authorization);
                case WARDEN ->
                    launcher
                        .javaOptions(profiling(client, concurrency, pair))
                        .agent(AppLauncher.builtAgent())
                        .agentArgument("policy", policy.toString())
                        .env("JIRA_TOKEN", token)
                        .env("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint().toString())
                        .env("OTEL_SERVICE_NAME", "warden-overhead");
                case NGINX -> url = "http://127.0.0.1:" + nginx.port() + path;
              }
              launcher.args(
                  client.name(),
                  url,
                  Integer.toString(concurrency),
                  Long.toString(settings.warmUpSeconds()),
                  Long.toString(settings.seconds()),
                  Long.toString(settings.count()));
              AppRun run = launcher.run();
              JsonNode json =
                  run.stdout().stream()
                      .filter(l -> l.startsWith("{\"client\""))
                      .map(Overhead::json)
                      .findFirst()
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  client.name() + " " + variant + " printed no figures: " + run));
              runs.computeIfAbsent(variant, v -> new ArrayList<>()).add(Figures.of(json));
            }
          }
          Map<Variant, Figures> medians = new LinkedHashMap<>();
          runs.forEach((variant, list) -> medians.put(variant, Figures.median(list)));
          results
              .computeIfAbsent(client.name(), c -> new LinkedHashMap<>())
              .put(concurrency, medians);
          print(client, concurrency, medians);
        }
      }
      out.printf("OTLP exports received: %d%n", otlp.exports());
    }
    return results;
  }

  private void print(Client client, int concurrency, Map<Variant, Figures> medians) {
    Figures none = medians.get(Variant.NONE);
    out.printf(
        "%n%s%s, %d in flight%n",
        client.name(), client.library() == null ? "" : " (" + client.library() + ")", concurrency);
    out.printf(
        "  %-12s %10s %9s %9s %7s %9s %9s %9s %8s %10s %7s%n",
        "",
        "req/s",
        "p50 µs",
        "p99 µs",
        "ratio",
        "CPU µs",
        "alloc B",
        "threads",
        "errors",
        "warm-up s",
        "JIT ms");
    medians.forEach(
        (variant, f) ->
            out.printf(
                "  %-12s %10.0f %9.1f %9.1f %7.2f %9.1f %9.0f %9.0f %8d %10.0f %7.0f%n",
                variant.label,
                f.rps(),
                f.p50(),
                f.p99(),
                none.rps() == 0 ? 0 : f.rps() / none.rps(),
                f.cpuMicros(),
                f.allocBytes(),
                f.threadsStarted(),
                f.errors(),
                f.warmUpSeconds(),
                f.jitMillis()));
    Figures warden = medians.get(Variant.WARDEN);
    out.printf(
        "  Warden adds %.1f µs at p50, %.1f CPU µs and %.0f B per call%n",
        warden.p50() - none.p50(),
        warden.cpuMicros() - none.cpuMicros(),
        warden.allocBytes() - none.allocBytes());
  }

  /**
   * With {@code -Doverhead.jfr=DIR}, Warden's runs record a Java Flight Recording there (the
   * figures of those runs are then not comparable: profile, then measure without it).
   */
  private static List<String> profiling(Client client, int concurrency, int pair) {
    String dir = System.getProperty("overhead.jfr", "");
    if (dir.isBlank()) {
      return List.of();
    }
    return List.of(
        "-XX:StartFlightRecording=settings="
            + System.getProperty("overhead.jfr.settings", "profile")
            + ",filename="
            + Path.of(dir, client.name() + "-" + concurrency + "-" + pair + ".jfr")
                .toAbsolutePath());
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalStateException(line, e);
    }
  }

  static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    return Arrays.stream(path.split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  /** An nginx reverse proxy in front of the fake Jira that sets the credential itself. */
  static final class Nginx implements AutoCloseable {

    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Nginx start(Path work, int jiraPort, String authorization) throws Exception {
      Path dir = Files.createDirectories(work.resolve("nginx"));
      Files.createDirectories(dir.resolve("logs"));
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(
          conf,
          """
          worker_processes 1;
          daemon off;
          pid %1$s/nginx.pid;
          error_log %1$s/logs/error.log warn;
          events { worker_connections 1024; }
          http {
            access_log off;
            client_body_temp_path %1$s/body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;
            upstream jira { server 127.0.0.1:%2$d; keepalive 64; }
            server {
              listen 127.0.0.1:%3$d;
              location / {
                proxy_pass http://jira;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Authorization "%4$s";
              }
            }
          }
          """
              .formatted(dir, jiraPort, port, authorization));
      Process process =
          new ProcessBuilder("nginx", "-p", dir.toString(), "-c", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("logs/stdout.log").toFile())
              .start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline) {
        try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
          return new Nginx(process, port);
        } catch (IOException notYet) {
          if (!process.isAlive()) {
            break;
          }
          Thread.sleep(50);
        }
      }
      process.destroyForcibly();
      throw new IllegalStateException("nginx did not start; see " + dir.resolve("logs"));
    }

    int port() {
      return port;
    }

    @Override
    public void close() {
      process.destroy();
    }
  }
}
