package com.acme;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Jira integration under load, for the throttle load harness: {@code THREADS} threads read one
 * issue through {@code java.net.http.HttpClient} as fast as they can, from {@code START_AT} (epoch
 * milliseconds, so that several JVMs start together; one call is made before it, to warm up) for
 * {@code SECONDS}, or {@code COUNT} requests each; then it prints one JSON line: requests,
 * statuses, how many 429s were Warden's and how many Jira's, and the latency percentiles.
 *
 * <pre>java -cp ... com.acme.LoadProbe URL THREADS SECONDS COUNT START_AT [WARM_UP]</pre>
 */
public final class LoadProbe {

  private LoadProbe() {}

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    int threads = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    long count = Long.parseLong(args[3]);
    long startAt = Long.parseLong(args[4]);
    // Requests each thread makes first and leaves out of the latency figures, for the JIT to
    // settle.
    int warmUp = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    String authorization = System.getenv("JIRA_AUTHORIZATION");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    AtomicLong wardens429 = new AtomicLong();
    AtomicLong jiras429 = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<long[]> latencies = new ArrayList<>();
    int[] done = new int[threads];
    if (startAt > 0) {
      // One call before the measured window: the JVM and Warden (a store's connection) are warm
      // when it opens.
      HttpRequest.Builder first = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
      if (authorization != null) {
        first.header("Authorization", authorization);
      }
      client.send(first.build(), HttpResponse.BodyHandlers.discarding());
    }
    long wait = startAt - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      long[] mine = new long[(int) Math.min(count > 0 ? count : 200_000, 200_000)];
      latencies.add(mine);
      Thread worker =
          new Thread(
              () -> {
                int n = 0;
                while ((count > 0 ? n < count : System.nanoTime() < end) && n < mine.length) {
                  HttpRequest.Builder request =
                      HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
                  if (authorization != null) {
                    request.header("Authorization", authorization);
                  }
                  long began = System.nanoTime();
                  try {
                    HttpResponse<byte[]> response =
                        client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                    mine[n++] = System.nanoTime() - began;
                    statuses
                        .computeIfAbsent(response.statusCode(), k -> new AtomicLong())
                        .incrementAndGet();
                    if (response.statusCode() == 429) {
                      (response.headers().firstValue("X-Warden-Decision").isPresent()
                              ? wardens429
                              : jiras429)
                          .incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                    n++;
                  }
                }
                done[index] = n;
              },
              "load-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    long total = 0;
    List<Long> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long[] mine = latencies.get(t);
      for (int i = warmUp; i < done[t]; i++) {
        if (mine[i] > 0) {
          all.add(mine[i]);
        }
      }
      total += done[t];
    }
    long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    Map<String, Long> byStatus = new TreeMap<>();
    statuses.forEach((status, n) -> byStatus.put(Integer.toString(status), n.get()));
    System.out.println(
        "{\"requests\":"
            + total
            + ",\"statuses\":"
            + json(byStatus)
            + ",\"wardens429\":"
            + wardens429.get()
            + ",\"jiras429\":"
            + jiras429.get()
            + ",\"errors\":"
            + errors.get()
            + ",\"p50Micros\":"
            + percentile(sorted, 0.50)
            + ",\"p99Micros\":"
            + percentile(sorted, 0.99)
            + "}");
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0
        ? 0
        : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1_000;
  }

  private static String json(Map<String, Long> map) {
    StringBuilder out = new StringBuilder("{");
    map.forEach(
        (k, v) ->
            out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return out.append('}').toString();
  }
}
