package com.acme;

import com.acme.http.Clients;
import com.acme.http.JiraHttp;
import com.acme.http.Options;
import com.acme.http.Result;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Jira integration under a soak: {@code THREADS} callers per client, each calling Jira in a loop
 * with a short think time (a mix of reads, searches, creates and transitions the policy allows, and
 * deletes and project reads it denies; every call carries a unique {@code X-Soak-Id}), for {@code
 * SECONDS}. Then it waits for the calls in flight (a call not back a minute later is lost), samples
 * heap after a full GC, RSS and live threads at the start, middle and end, reads Warden's
 * audit-loss counter from its Prometheus endpoint when given its port, and prints one JSON line.
 *
 * <pre>java -cp ... com.acme.SoakProbe JIRA_URL CLIENTS THREADS SECONDS ID_PREFIX [METRICS_PORT]
 * </pre>
 */
public final class SoakProbe {

  /** A kind of call the callers make, and how often (weights add up to 100). */
  enum Op {
    getIssue(40, "GET", "/rest/api/2/issue/OPS-1", null),
    search(15, "GET", "/rest/api/2/search?jql=project%3DOPS", null),
    createIssue(
        15,
        "POST",
        "/rest/api/2/issue",
        "{\"fields\":{\"project\":{\"key\":\"OPS\"},\"summary\":\"soak\","
            + "\"issuetype\":{\"name\":\"Task\"}}}"),
    doTransition(
        10, "POST", "/rest/api/2/issue/OPS-1/transitions", "{\"transition\":{\"id\":\"21\"}}"),
    deleteIssue(10, "DELETE", "/rest/api/2/issue/OPS-2", null),
    getProject(10, "GET", "/rest/api/2/project/HR", null);

    final int weight;
    final String method;
    final String path;
    final String body;

    Op(int weight, String method, String path, String body) {
      this.weight = weight;
      this.method = method;
      this.path = path;
      this.body = body;
    }

    static Op pick(int roll) {
      int sum = 0;
      for (Op op : values()) {
        sum += op.weight;
        if (roll < sum) {
          return op;
        }
      }
      return getIssue;
    }
  }

  private static final long THINK_MIN_MILLIS = 100;
  private static final long THINK_MAX_MILLIS = 400;
  private static final long LOST_AFTER_MILLIS = 60_000;

  private SoakProbe() {}

  public static void main(String[] args) throws Exception {
    String jira = args[0];
    List<String> clientNames = List.of(args[1].split(","));
    int threads = Integer.parseInt(args[2]);
    long seconds = Long.parseLong(args[3]);
    String prefix = args[4];
    int metricsPort = Integer.parseInt(args[5]);
    Path dir = Path.of(args[6]);
    String authorization = System.getenv("JIRA_AUTHORIZATION");

    Map<String, JiraHttp> clients = new LinkedHashMap<>();
    for (String name : clientNames) {
      Options options = new Options();
      options.readTimeoutMillis = 30_000;
      clients.put(name, Clients.create(name, options));
    }
    Map<String, Map<String, LongAdder>> outcomes = new ConcurrentHashMap<>();
    // Outcomes that are explained only by a fault in force at the time: by epoch second.
    Map<String, Map<String, LongAdder>> timed = new ConcurrentHashMap<>();
    Map<String, LongAdder> made = new ConcurrentHashMap<>();
    // The first of each kind of exception a client threw, with where.
    Map<String, Map<String, String>> exceptions = new ConcurrentHashMap<>();
    AtomicLong sequence = new AtomicLong();
    for (Map.Entry<String, JiraHttp> entry : clients.entrySet()) {
      // One call each, so that the clients and Warden are loaded before the clock starts.
      Step first = new Step();
      first.url = jira + Op.getIssue.path;
      first.headers.put("X-Soak-Id", prefix + "/" + entry.getKey() + "/warmup/0");
      if (authorization != null) {
        first.headers.put("Authorization", authorization);
      }
      made.computeIfAbsent(entry.getKey(), k -> new LongAdder()).increment();
      String outcome;
      try {
        outcome = outcome(entry.getValue().send(first));
      } catch (Exception e) {
        outcome = "EXC " + e.getClass().getSimpleName();
      }
      outcomes
          .computeIfAbsent(entry.getKey(), k -> new ConcurrentHashMap<>())
          .computeIfAbsent("warmup " + outcome, k -> new LongAdder())
          .increment();
    }
    Files.writeString(dir.resolve("ready-" + prefix), "");
    Path go = dir.resolve("go");
    long waitForGo = System.currentTimeMillis() + 300_000;
    while (!Files.exists(go) && System.currentTimeMillis() < waitForGo) {
      Thread.sleep(50);
    }
    long began = Long.parseLong(Files.readString(go).trim());
    Thread.sleep(Math.max(0, began - System.currentTimeMillis()));
    long deadline = began + seconds * 1000;
    List<Thread> callers = new ArrayList<>();
    Map<Thread, long[]> inFlight = new ConcurrentHashMap<>();
    for (Map.Entry<String, JiraHttp> entry : clients.entrySet()) {
      String name = entry.getKey();
      JiraHttp client = entry.getValue();
      for (int t = 0; t < threads; t++) {
        long[] since = new long[1];
        Thread caller =
            new Thread(
                () -> {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  while (System.currentTimeMillis() < deadline) {
                    Op op = Op.pick(random.nextInt(100));
                    Step step = new Step();
                    step.method = op.method;
                    step.url = jira + op.path;
                    step.body = op.body;
                    if (op.body != null) {
                      step.headers.put("Content-Type", "application/json");
                    }
                    step.headers.put(
                        "X-Soak-Id",
                        prefix + "/" + name + "/" + op + "/" + sequence.incrementAndGet());
                    if (authorization != null) {
                      step.headers.put("Authorization", authorization);
                    }
                    made.computeIfAbsent(name, k -> new LongAdder()).increment();
                    since[0] = System.currentTimeMillis();
                    String outcome;
                    try {
                      outcome = outcome(client.send(step));
                    } catch (Throwable e) {
                      Throwable cause = e;
                      while (cause.getCause() != null && cause.getCause() != cause) {
                        cause = cause.getCause();
                      }
                      String message = String.valueOf(cause.getMessage());
                      StringBuilder sample = new StringBuilder(cause.toString());
                      StackTraceElement[] frames = cause.getStackTrace();
                      for (int f = 0; f < Math.min(4, frames.length); f++) {
                        sample.append(" at ").append(frames[f]);
                      }
                      exceptions
                          .computeIfAbsent(name, k -> new ConcurrentHashMap<>())
                          .putIfAbsent(
                              op + " " + cause.getClass().getSimpleName(), sample.toString());
                      outcome =
                          "EXC "
                              + (message.startsWith("warden:")
                                  ? "warden"
                                  : cause.getClass().getSimpleName());
                    }
                    long second = System.currentTimeMillis() / 1000;
                    since[0] = 0;
                    String key = op + " " + outcome;
                    outcomes
                        .computeIfAbsent(name, k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(key, k -> new LongAdder())
                        .increment();
                    if (!outcome.startsWith("2") && !outcome.endsWith(" deny")) {
                      timed
                          .computeIfAbsent(name, k -> new ConcurrentHashMap<>())
                          .computeIfAbsent(second + " " + key, k -> new LongAdder())
                          .increment();
                    }
                    try {
                      Thread.sleep(random.nextLong(THINK_MIN_MILLIS, THINK_MAX_MILLIS));
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                },
                "soak-" + name + "-" + t);
        caller.setDaemon(true);
        inFlight.put(caller, since);
        callers.add(caller);
      }
    }
    callers.forEach(Thread::start);
    List<Map<String, Object>> samples = new ArrayList<>();
    Thread.sleep(Math.max(1000, seconds * 100));
    samples.add(sample("start", began));
    Thread.sleep(Math.max(0, began + seconds * 500 - System.currentTimeMillis()));
    samples.add(sample("middle", began));
    long waitUntil = deadline + LOST_AFTER_MILLIS;
    for (Thread caller : callers) {
      caller.join(Math.max(1, waitUntil - System.currentTimeMillis()));
    }
    Map<String, Long> lost = new TreeMap<>();
    for (Thread caller : callers) {
      if (caller.isAlive() && inFlight.get(caller)[0] != 0) {
        String name = caller.getName().substring(5, caller.getName().lastIndexOf('-'));
        lost.merge(name, 1L, Long::sum);
      }
    }
    // Callers' objects are gone; what is left is the clients', Warden's and the JVM's.
    samples.add(sample("end", began));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("soak", prefix);
    out.put("made", counts(made));
    Map<String, Object> byClient = new TreeMap<>();
    outcomes.forEach((name, map) -> byClient.put(name, counts(map)));
    out.put("outcomes", byClient);
    Map<String, Object> timedByClient = new TreeMap<>();
    timed.forEach((name, map) -> timedByClient.put(name, counts(map)));
    out.put("timed", timedByClient);
    out.put("lost", lost);
    out.put("exceptions", exceptions);
    out.put("samples", samples);
    if (metricsPort > 0) {
      // Give the audit thread a moment to take the last calls' records, then read its losses.
      Thread.sleep(2000);
      out.put("auditDropped", auditDropped(metricsPort));
    }
    System.out.println(new ObjectMapper().writeValueAsString(out));
    System.out.flush();
    System.exit(0);
  }

  /** What the application saw: status, Warden's decision or Jira's 429 reason. */
  private static String outcome(Result result) {
    Map<String, String> headers = result.headers == null ? Map.of() : result.headers;
    String decision = headers.get("x-warden-decision");
    if (decision != null) {
      return result.status + " " + decision;
    }
    return result.status + " jira";
  }

  private static Map<String, Long> counts(Map<String, LongAdder> adders) {
    Map<String, Long> out = new TreeMap<>();
    adders.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private static Map<String, Object> sample(String name, long began) throws Exception {
    System.gc();
    System.gc();
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("at", name);
    sample.put("second", (System.currentTimeMillis() - began) / 1000);
    sample.put(
        "heapAfterGcBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    sample.put("rssBytes", rss());
    sample.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    return sample;
  }

  private static long rss() throws Exception {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
      }
    }
    return -1;
  }

  /**
   * Warden's {@code warden_audit_dropped} counter by {@code error_type}, scraped with a plain
   * socket (not Jira traffic, and no client library of the run).
   */
  private static Map<String, Long> auditDropped(int port) {
    Map<String, Long> dropped = new TreeMap<>();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.startsWith("warden_audit_dropped")) {
          int type = line.indexOf("error_type=\"");
          String reason = type < 0 ? "?" : line.substring(type + 12, line.indexOf('"', type + 12));
          long value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          dropped.merge(reason.toLowerCase(Locale.ROOT), value, Long::sum);
        }
      }
      if (!text.contains("warden_")) {
        dropped.put("scrape_failed", -1L);
      }
    } catch (Exception e) {
      dropped.put("scrape_failed", -1L);
    }
    return dropped;
  }
}
