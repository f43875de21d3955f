package dev.warden.testapps.fakejira;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Jira Cloud's rate limits as a tenant meets them ({@code ../shared/jira/README.md}): the burst
 * limit per endpoint and method (GET and POST 100/s, PUT and DELETE 50/s by default) and the
 * per-issue write limit (20 writes per 2 s and 100 per 30 s to one issue), each over a sliding
 * window, answered with 429 and the headers Jira sends: {@code Retry-After} (whole seconds), {@code
 * RateLimit-Reason}, {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining: 0} and {@code
 * X-RateLimit-Reset}. A refused request does not count against the limits.
 */
final class RateLimiter {

  /** A limit that fired. */
  record Refusal(String reason, int limit, long retryAfterMillis) {}

  private final int readsPerSecond;
  private final int writesPerSecond;
  private final Map<String, Deque<Long>> windows = new HashMap<>();

  RateLimiter(int readsPerSecond, int writesPerSecond) {
    this.readsPerSecond = readsPerSecond;
    this.writesPerSecond = writesPerSecond;
  }

  /**
   * Counts a request, or says which limit refuses it.
   *
   * @param method the HTTP method
   * @param endpoint the path with ids replaced, so that one endpoint is one key
   * @param issue the issue key or id the path names, or {@code null}
   */
  synchronized Refusal admit(String method, String endpoint, String issue, long nowMillis) {
    int burst = method.equals("PUT") || method.equals("DELETE") ? writesPerSecond : readsPerSecond;
    String burstKey = "burst " + method + " " + endpoint;
    long wait = waitFor(burstKey, burst, 1_000, nowMillis);
    if (wait > 0) {
      return new Refusal("jira-burst-based", burst, wait);
    }
    boolean write = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    if (write && issue != null) {
      String issueKey = "issue " + issue;
      long shortWait = waitFor(issueKey + " 2s", 20, 2_000, nowMillis);
      long longWait = waitFor(issueKey + " 30s", 100, 30_000, nowMillis);
      if (shortWait > 0 || longWait > 0) {
        return new Refusal(
            "jira-per-issue-on-write", shortWait > 0 ? 20 : 100, Math.max(shortWait, longWait));
      }
      record(issueKey + " 2s", nowMillis);
      record(issueKey + " 30s", nowMillis);
    }
    record(burstKey, nowMillis);
    return null;
  }

  /** How long until the window has room, 0 when it has. */
  private long waitFor(String key, int limit, long windowMillis, long nowMillis) {
    Deque<Long> window = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
    while (!window.isEmpty() && window.peekFirst() <= nowMillis - windowMillis) {
      window.pollFirst();
    }
    return window.size() < limit ? 0 : window.peekFirst() + windowMillis - nowMillis;
  }

  private void record(String key, long nowMillis) {
    windows.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(nowMillis);
  }

  /** The fields of a 429 for this refusal, as Jira Cloud writes them. */
  static Map<String, String> headers(Refusal refusal, long nowMillis) {
    Map<String, String> headers = new HashMap<>();
    headers.put(
        "Retry-After", Long.toString(Math.max(1, (refusal.retryAfterMillis() + 999) / 1000)));
    headers.put("RateLimit-Reason", refusal.reason());
    headers.put("X-RateLimit-Limit", Integer.toString(refusal.limit()));
    headers.put("X-RateLimit-Remaining", "0");
    headers.put(
        "X-RateLimit-Reset",
        Instant.ofEpochMilli(nowMillis + refusal.retryAfterMillis())
            .truncatedTo(ChronoUnit.SECONDS)
            .plusSeconds(1)
            .toString());
    return headers;
  }
}
