package com.acme;

import com.acme.http.Clients;
import com.acme.http.JiraHttp;
import com.acme.http.Options;
import com.acme.http.Result;
import com.acme.reports.WeeklyReport;
import com.acme.sync.IssueSync;
import com.acme.triage.TriageBot;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The sample application: a Jira integration that knows nothing of Warden. It makes the calls a
 * steps file lists, through the client chosen on the command line, from the part of the application
 * each step names, and prints what it saw of each as one JSON line.
 *
 * <pre>
 * java -cp ... com.acme.ScriptedJiraClient --client NAME [--http2] [--follow-redirects] [--read-timeout-ms N] [--proxy HOST:PORT]
 *     [--virtual-threads] [--trace] [--versions] STEPS.json
 * </pre>
 */
public final class ScriptedJiraClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static boolean virtualThreads;
  private static boolean traced;
  private static Options options;
  private static String clientName;
  private static final Map<String, JiraHttp> OTHER_CLIENTS = new ConcurrentHashMap<>();

  private ScriptedJiraClient() {}

  public static void main(String[] args) throws Exception {
    String client = "jdk";
    options = new Options();
    boolean versions = false;
    Path steps = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--client" -> client = args[++i];
        case "--http2" -> options.http2 = true;
        case "--follow-redirects" -> options.followRedirects = true;
        case "--read-timeout-ms" -> options.readTimeoutMillis = Integer.parseInt(args[++i]);
        case "--proxy" -> {
          String[] hostPort = args[++i].split(":");
          options.proxy =
              java.net.InetSocketAddress.createUnresolved(
                  hostPort[0], Integer.parseInt(hostPort[1]));
        }
        case "--virtual-threads" -> virtualThreads = true;
        case "--trace" -> traced = true;
        case "--versions" -> versions = true;
        default -> steps = Path.of(args[i]);
      }
    }
    if (versions) {
      printVersions();
    }
    clientName = client;
    JiraHttp http = Clients.create(client, options);
    List<Step> list = JSON.readValue(steps.toFile(), new TypeReference<List<Step>>() {});
    for (int n = 1; n <= list.size(); n++) {
      Step step = list.get(n - 1);
      if (step.sleep > 0) {
        Thread.sleep(step.sleep);
      } else if (step.awaitFile != null) {
        awaitFile(new File(step.awaitFile));
      } else if (step.touchFile != null) {
        new File(step.touchFile).createNewFile();
      } else if (step.parallel > 1) {
        parallel(configured(http, step), step, n);
      } else {
        runStep(configured(http, step), step, n);
      }
    }
    // Client libraries keep non-daemon pool threads alive for a while (OkHttp's dispatcher: a
    // minute).
    System.exit(0);
  }

  private static void runStep(JiraHttp http, Step step, int n) throws InterruptedException {
    if (!virtualThreads) {
      print(n, -1, run(http, step));
      return;
    }
    Thread thread = newThread(() -> print(n, -1, run(http, step)));
    thread.start();
    thread.join();
  }

  private static void parallel(JiraHttp http, Step step, int n) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < step.parallel; t++) {
      int thread = t;
      JiraHttp client =
          step.clients == null ? http : other(step.clients.get(t % step.clients.size()));
      threads.add(newThread(() -> print(n, thread, run(client, step))));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private static JiraHttp other(String name) {
    return cached(name, name, options);
  }

  /** The client {@code name} with these options, made once under {@code key}. */
  private static JiraHttp cached(String key, String name, Options with) {
    return OTHER_CLIENTS.computeIfAbsent(
        key,
        ignored -> {
          try {
            return Clients.create(name, with);
          } catch (Exception e) {
            throw new IllegalArgumentException("cannot create client " + key, e);
          }
        });
  }

  /**
   * The client a step asks for: the main one, or one of the same library configured as the step
   * says ({@code http2}, {@code readTimeoutMs}), so that one run of the application covers them.
   */
  private static JiraHttp configured(JiraHttp main, Step step) {
    if (!step.http2 && step.readTimeoutMs <= 0) {
      return main;
    }
    Options own = new Options();
    own.http2 = step.http2 || options.http2;
    own.followRedirects = options.followRedirects;
    own.connectTimeoutMillis = options.connectTimeoutMillis;
    own.readTimeoutMillis = step.readTimeoutMs > 0 ? step.readTimeoutMs : options.readTimeoutMillis;
    own.proxy = options.proxy;
    return cached(
        clientName + " http2=" + own.http2 + " read=" + own.readTimeoutMillis, clientName, own);
  }

  private static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** A platform thread, or with {@code --virtual-threads} (Java 21 and newer) a virtual one. */
  private static Thread newThread(Runnable task) {
    if (virtualThreads) {
      try {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        return (Thread)
            Class.forName("java.lang.Thread$Builder")
                .getMethod("unstarted", Runnable.class)
                .invoke(builder, task);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("--virtual-threads needs Java 21 or newer", e);
      }
    }
    return new Thread(task);
  }

  static Result run(JiraHttp http, Step step) {
    if (!traced) {
      return call(http, step);
    }
    // The application's own span around each call (real with the OpenTelemetry agent, a no-op
    // without).
    Span span =
        GlobalOpenTelemetry.getTracer("com.acme")
            .spanBuilder("acme " + (step.as == null ? "main" : step.as))
            .startSpan();
    try (Scope scope = span.makeCurrent()) {
      return call(http, step);
    } finally {
      span.end();
    }
  }

  private static Result call(JiraHttp http, Step step) {
    try {
      return switch (step.as == null ? "" : step.as) {
        case "sync" -> IssueSync.call(http, step);
        case "triage" -> TriageBot.call(http, step);
        case "reports" -> WeeklyReport.call(http, step);
        default -> http.send(step);
      };
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      Result result = new Result();
      result.error = cause.getClass().getName();
      result.message = cause.getMessage();
      return result;
    }
  }

  private static synchronized void print(int step, int thread, Result result) {
    ObjectNode line = JSON.createObjectNode();
    line.put("step", step);
    if (thread >= 0) {
      line.put("thread", thread);
    }
    line.setAll((ObjectNode) JSON.valueToTree(result));
    if (virtualThreads) {
      line.put("virtualThread", isVirtual(Thread.currentThread()));
    }
    try {
      System.out.println(JSON.writeValueAsString(line));
    } catch (Exception e) {
      System.out.println("{\"step\":" + step + ",\"error\":\"cannot print\"}");
    }
  }

  /** Which Jackson and OpenTelemetry API this application runs on, and that they work. */
  private static void printVersions() throws Exception {
    ObjectNode versions = JSON.createObjectNode();
    versions.put("jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
    versions.put("jacksonJar", jar(ObjectMapper.class));
    versions.put("otelJar", jar(OpenTelemetry.class));
    Span span = GlobalOpenTelemetry.getTracer("com.acme").spanBuilder("startup").startSpan();
    span.end();
    versions.put("otelWorks", true);
    System.out.println(JSON.writeValueAsString(JSON.createObjectNode().set("versions", versions)));
  }

  private static String jar(Class<?> type) {
    return new File(type.getProtectionDomain().getCodeSource().getLocation().getPath()).getName();
  }

  private static void awaitFile(File file) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!file.exists() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
  }
}
