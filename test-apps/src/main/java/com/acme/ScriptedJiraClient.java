package com.acme;

import com.acme.http.JdkJiraHttp;
import com.acme.http.JiraHttp;
import com.acme.http.Result;
import com.acme.http.UrlConnectionJiraHttp;
import com.acme.reports.WeeklyReport;
import com.acme.sync.IssueSync;
import com.acme.triage.TriageBot;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The sample application: a Jira integration that knows nothing of Warden. It makes the calls a
 * steps file lists, through the client chosen on the command line, from the part of the
 * application each step names, and prints what it saw of each as one JSON line.
 *
 * <pre>
 * java -cp ... com.acme.ScriptedJiraClient --client jdk|jdk-async|urlconnection [--http2] [--follow-redirects] [--versions] STEPS.json
 * </pre>
 */
public final class ScriptedJiraClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ScriptedJiraClient() {}

  public static void main(String[] args) throws Exception {
    String client = "jdk";
    boolean http2 = false;
    boolean follow = false;
    boolean versions = false;
    Path steps = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--client" -> client = args[++i];
        case "--http2" -> http2 = true;
        case "--follow-redirects" -> follow = true;
        case "--versions" -> versions = true;
        default -> steps = Path.of(args[i]);
      }
    }
    if (versions) {
      printVersions();
    }
    JiraHttp http = switch (client) {
      case "jdk" -> new JdkJiraHttp(false, http2, follow);
      case "jdk-async" -> new JdkJiraHttp(true, http2, follow);
      case "urlconnection" -> new UrlConnectionJiraHttp(follow);
      default -> throw new IllegalArgumentException("unknown client " + client);
    };
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
        parallel(http, step, n);
      } else {
        print(n, -1, run(http, step));
      }
    }
  }

  private static void parallel(JiraHttp http, Step step, int n) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < step.parallel; t++) {
      int thread = t;
      threads.add(new Thread(() -> print(n, thread, run(http, step))));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
  }

  static Result run(JiraHttp http, Step step) {
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
