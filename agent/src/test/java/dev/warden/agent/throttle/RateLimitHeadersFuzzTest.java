package dev.warden.agent.throttle;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.warden.agent.bootstrap.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for Jira's rate-limit fields as Warden reads them from a response: {@code
 * Retry-After} (seconds or an HTTP date), {@code X-RateLimit-Reset}, {@code -Remaining}, {@code
 * -Interval-Seconds}, {@code -FillRate}, {@code -NearLimit} and {@code RateLimit-Reason}, also
 * under their {@code Beta-} names. Properties: reading never fails, and every wait it derives lies
 * between none and a day, so no answer of Jira's can make a caller wait longer or a number
 * overflow.
 */
class RateLimitHeadersFuzzTest {

  /**
   * Input: lines of {@code Name: value}; a first line of digits only is the time now (epoch
   * milliseconds).
   */
  @FuzzTest(maxDuration = "10s")
  void rateLimitFields(byte[] data) {
    String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", -1);
    long now = 1_750_000_000_000L;
    int first = 0;
    if (lines[0].matches("[0-9]{1,13}")) {
      now = Long.parseLong(lines[0]);
      first = 1;
    }
    List<String> fields = new ArrayList<>();
    for (int i = first; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        fields.add(lines[i].substring(0, colon));
        fields.add(lines[i].substring(colon + 1));
      }
    }
    String[] pairs = fields.toArray(String[]::new);
    Headers headers = Headers.of(pairs);
    RateLimitSignal signal = RateLimitSignal.read(headers, now);
    long wait = signal.waitMillis(now);
    check(wait >= -1 && wait <= RateLimitSignal.MAX_MILLIS, "wait " + wait, pairs);
    for (int i = 1; i < pairs.length; i += 2) {
      long retry = RateLimitSignal.retryAfterMillis(pairs[i], now);
      check(retry >= -1 && retry <= RateLimitSignal.MAX_MILLIS, "Retry-After " + retry, pairs);
      RateLimitSignal.resetEpochMillis(pairs[i]);
    }
    check(RateLimitSignal.remaining(headers) >= -1, "remaining", pairs);
    RateLimitSignal.asksToWait(429, headers);
    check(!RateLimitSignal.reasonOf(headers).isEmpty(), "a reason or none", pairs);
  }

  private static void check(boolean holds, String what, String[] fields) {
    if (!holds) {
      throw new AssertionError(what + " out of bounds for " + String.join(" | ", fields));
    }
  }
}
