package com.acme.quarkus;

import com.acme.http.JiraHttp;
import com.acme.http.RestClientJiraHttp;
import com.acme.reports.WeeklyReport;
import com.acme.sync.IssueSync;
import com.acme.triage.TriageBot;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * A Quarkus command-mode application that syncs with Jira through the Quarkus REST client. Run as
 * {@code java -jar quarkus-run.jar}: Quarkus's own class loader loads the application and the
 * client.
 *
 * <pre>
 * java -jar quarkus-run.jar --client quarkus|quarkus-async [--follow-redirects] [--read-timeout-ms N]
 *     [--virtual-threads] STEPS.json
 * java -jar quarkus-run.jar --declared
 * </pre>
 *
 * With a steps file (the end-to-end suite's format) it makes those calls through the {@code Client}
 * API from the part of the application each step names, one JSON line per call; with {@code
 * --declared}, a few calls through the injected declarative client {@link JiraApi}.
 */
@QuarkusMain
public class QuarkusSync implements QuarkusApplication {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @Inject IssueBot bot;

  private boolean virtualThreads;

  @Override
  public int run(String... args) throws Exception {
    String client = "quarkus";
    boolean followRedirects = false;
    int readTimeoutMillis = 0;
    boolean declared = false;
    File steps = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--client" -> client = args[++i];
        case "--follow-redirects" -> followRedirects = true;
        case "--read-timeout-ms" -> readTimeoutMillis = Integer.parseInt(args[++i]);
        case "--virtual-threads" -> virtualThreads = true;
        case "--declared" -> declared = true;
        default -> steps = new File(args[i]);
      }
    }
    if (declared) {
      System.out.println(bot.getIssue("OPS-1"));
      System.out.println(bot.getIssueAsync("OPS-2"));
      System.out.println(bot.createIssue("OPS", "from Quarkus"));
      System.out.println(bot.createIssue("SEC", "not allowed there"));
      System.out.println(bot.deleteIssue("OPS-1"));
      return 0;
    }
    if (steps == null) {
      System.err.println("usage: --client quarkus|quarkus-async [options] STEPS.json | --declared");
      return 2;
    }
    JiraHttp http =
        switch (client) {
          case "quarkus" -> new RestClientJiraHttp(false, followRedirects, readTimeoutMillis);
          case "quarkus-async" -> new RestClientJiraHttp(true, followRedirects, readTimeoutMillis);
          default -> throw new IllegalArgumentException("unknown client " + client);
        };
    boolean async = client.endsWith("-async");
    boolean follow = followRedirects;
    // A step with a read timeout of its own goes through a client made with it.
    java.util.Map<Integer, JiraHttp> timed = new java.util.HashMap<>();
    List<Step> list = JSON.readValue(steps, new TypeReference<List<Step>>() {});
    for (int n = 1; n <= list.size(); n++) {
      Step step = list.get(n - 1);
      if (step.sleep > 0) {
        Thread.sleep(step.sleep);
        continue;
      }
      int number = n;
      JiraHttp through =
          step.readTimeoutMs > 0
              ? timed.computeIfAbsent(
                  step.readTimeoutMs, ms -> new RestClientJiraHttp(async, follow, ms))
              : http;
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < step.parallel; t++) {
        int thread = step.parallel > 1 ? t : -1;
        threads.add(newThread(() -> print(number, thread, call(through, step))));
      }
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }
    }
    return 0;
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
      // The Jakarta REST client wraps what the HTTP client threw.
      Throwable cause =
          e instanceof jakarta.ws.rs.ProcessingException && e.getCause() != null ? e.getCause() : e;
      Result result = new Result();
      result.error = cause.getClass().getName();
      result.message = cause.getMessage();
      return result;
    }
  }

  /** A platform thread, or with {@code --virtual-threads} (Java 21 and newer) a virtual one. */
  private Thread newThread(Runnable task) throws ReflectiveOperationException {
    if (!virtualThreads) {
      return new Thread(task);
    }
    Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
    return (Thread)
        Class.forName("java.lang.Thread$Builder")
            .getMethod("unstarted", Runnable.class)
            .invoke(builder, task);
  }

  private synchronized void print(int step, int thread, Result result) {
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

  private static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
