package com.acme;

import com.acme.http.Clients;
import com.acme.http.JiraHttp;
import com.acme.http.Options;
import com.acme.http.Result;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * One side of the overhead harness: {@code CONCURRENCY} threads make the same allowed GET through
 * one client in a closed loop (each waits for its response before the next, so an asynchronous
 * client has exactly that many requests in flight), first for {@code WARM_UP} seconds and on until
 * the JIT compilers are quiet, then for {@code SECONDS} measured; or, with {@code COUNT} > 0,
 * exactly that many calls after one to warm up. Then it prints one JSON line: calls, errors,
 * requests/s, p50 and p99, process CPU time per call, bytes allocated per call (every thread's,
 * from the collectors' counts) and threads started during the measured part, how long the warm-up
 * took and how long the JIT compiled during the measured part.
 *
 * <pre>java -cp ... com.acme.OverheadProbe CLIENT URL CONCURRENCY WARM_UP SECONDS [COUNT]</pre>
 *
 * <p>The application sends {@code JIRA_AUTHORIZATION} itself when it is set (the run without
 * Warden); with Warden it sends no credential.
 */
public final class OverheadProbe {

  private OverheadProbe() {}

  public static void main(String[] args) throws Exception {
    String clientName = args[0];
    String url = args[1];
    int concurrency = Integer.parseInt(args[2]);
    long warmUpSeconds = Long.parseLong(args[3]);
    long seconds = Long.parseLong(args[4]);
    long count = args.length > 5 ? Long.parseLong(args[5]) : 0;
    JiraHttp client = Clients.create(clientName, new Options());
    String authorization = System.getenv("JIRA_AUTHORIZATION");
    Step step = new Step();
    step.url = url;
    if (authorization != null) {
      step.headers.put("Authorization", authorization);
    }
    AtomicLong errors = new AtomicLong();
    Result first = client.send(step);
    if (first.status != 200) {
      throw new IllegalStateException("the first call was answered " + first.status);
    }
    long warmedUpMillis = 0;
    if (count == 0) {
      long warmUpBegan = System.nanoTime();
      warmUp(client, step, concurrency, warmUpSeconds, errors);
      warmedUpMillis = (System.nanoTime() - warmUpBegan) / 1_000_000;
    }
    var jit = ManagementFactory.getCompilationMXBean();
    long jitBefore = jit.getTotalCompilationTime();
    Allocation allocation = new Allocation();
    var threads = ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[][] latencies = new long[concurrency][];
    errors.set(0);
    long threadsBefore = threads.getTotalStartedThreadCount();
    long cpuBefore = os.getProcessCpuTime();
    long allocatedBefore = allocation.allocated();
    long began = System.nanoTime();
    long calls =
        loop(
            client,
            step,
            concurrency,
            count > 0 ? Long.MAX_VALUE : deadline(seconds),
            count,
            errors,
            latencies);
    long elapsed = System.nanoTime() - began;
    long cpu = os.getProcessCpuTime() - cpuBefore;
    long allocated = allocation.allocated() - allocatedBefore;
    long threadsStarted = threads.getTotalStartedThreadCount() - threadsBefore;
    long jitMillis = jit.getTotalCompilationTime() - jitBefore;
    long[] all =
        Arrays.stream(latencies)
            .flatMapToLong(Arrays::stream)
            .filter(l -> l > 0)
            .sorted()
            .toArray();
    System.out.printf(
        "{\"client\":\"%s\",\"concurrency\":%d,\"calls\":%d,\"errors\":%d,\"rps\":%.1f,"
            + "\"p50Micros\":%.1f,\"p99Micros\":%.1f,\"cpuMicrosPerCall\":%.1f,"
            + "\"allocBytesPerCall\":%d,\"threadsStarted\":%d,\"peakThreads\":%d,"
            + "\"warmUpMillis\":%d,\"jitMillis\":%d}%n",
        clientName,
        concurrency,
        calls,
        errors.get(),
        calls / (elapsed / 1e9),
        percentile(all, 0.50),
        percentile(all, 0.99),
        calls == 0 ? 0.0 : cpu / 1e3 / calls,
        calls == 0 ? 0 : allocated / calls,
        threadsStarted,
        threads.getPeakThreadCount(),
        warmedUpMillis,
        jitMillis);
    System.exit(0);
  }

  /**
   * Runs the loop for {@code seconds}, then on in one-second slices until the JIT compilers are
   * quiet (two slices in a row that compiled for less than {@link #QUIET_JIT_MILLIS}), at most a
   * minute more: on two CPUs a compiler thread still busy takes a CPU from the loop, so figures
   * taken before then measure the warm-up (an agent's code has more to compile).
   */
  private static void warmUp(
      JiraHttp client, Step step, int concurrency, long seconds, AtomicLong errors)
      throws InterruptedException {
    loop(client, step, concurrency, deadline(seconds), 0, errors, null);
    var jit = ManagementFactory.getCompilationMXBean();
    int quiet = 0;
    for (int slice = 0; slice < MAX_EXTRA_WARM_UP_SECONDS && quiet < 2; slice++) {
      long before = jit.getTotalCompilationTime();
      loop(client, step, concurrency, deadline(1), 0, errors, null);
      quiet = jit.getTotalCompilationTime() - before < QUIET_JIT_MILLIS ? quiet + 1 : 0;
    }
  }

  private static final long QUIET_JIT_MILLIS = 20;
  private static final int MAX_EXTRA_WARM_UP_SECONDS = 60;

  private static long deadline(long seconds) {
    return System.nanoTime() + seconds * 1_000_000_000L;
  }

  /** Runs the closed loop; returns the calls made. */
  private static long loop(
      JiraHttp client,
      Step step,
      int concurrency,
      long deadline,
      long count,
      AtomicLong errors,
      long[][] latencies)
      throws InterruptedException {
    AtomicLong remaining = new AtomicLong(count > 0 ? count : Long.MAX_VALUE);
    AtomicLong calls = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      int index = t;
      Thread worker =
          new Thread(
              () -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < deadline && remaining.getAndDecrement() > 0) {
                  long start = System.nanoTime();
                  try {
                    Result result = client.send(step);
                    if (result.status != 200) {
                      errors.incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                  if (n == mine.length) {
                    mine = Arrays.copyOf(mine, n * 2);
                  }
                  mine[n++] = System.nanoTime() - start;
                }
                calls.addAndGet(n);
                if (latencies != null) {
                  latencies[index] = Arrays.copyOf(mine, n);
                }
              },
              "caller-" + t);
      workers.add(worker);
    }
    workers.forEach(Thread::start);
    for (Thread worker : workers) {
      worker.join();
    }
    return calls.get();
  }

  private static double percentile(long[] sorted, double p) {
    return sorted.length == 0
        ? 0
        : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e3;
  }

  /**
   * Bytes allocated by every thread of the JVM, dead ones included: the heap in use plus what every
   * collection freed, from the collectors' own notifications.
   */
  static final class Allocation {

    private final AtomicLong freed = new AtomicLong();
    private final AtomicLong seen = new AtomicLong();
    private final List<GarbageCollectorMXBean> collectors =
        ManagementFactory.getGarbageCollectorMXBeans();
    private final long collectionsBefore;

    Allocation() {
      for (GarbageCollectorMXBean collector : collectors) {
        ((NotificationEmitter) collector)
            .addNotificationListener(
                (notification, handback) -> {
                  if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                      notification.getType())) {
                    GcInfo info =
                        GarbageCollectionNotificationInfo.from(
                                (CompositeData) notification.getUserData())
                            .getGcInfo();
                    freed.addAndGet(
                        used(info.getMemoryUsageBeforeGc()) - used(info.getMemoryUsageAfterGc()));
                    seen.incrementAndGet();
                  }
                },
                null,
                null);
      }
      collectionsBefore = collections();
    }

    long allocated() throws InterruptedException {
      // Notifications arrive on a thread of their own: wait for every collection's.
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (seen.get() < collections() - collectionsBefore && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + freed.get();
    }

    private long collections() {
      long sum = 0;
      for (GarbageCollectorMXBean collector : collectors) {
        sum += Math.max(0, collector.getCollectionCount());
      }
      return sum;
    }

    private static long used(Map<String, MemoryUsage> pools) {
      long sum = 0;
      for (MemoryUsage usage : pools.values()) {
        sum += usage.getUsed();
      }
      return sum;
    }
  }
}
