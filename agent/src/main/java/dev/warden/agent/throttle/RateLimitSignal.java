package dev.warden.agent.throttle;

import dev.warden.agent.bootstrap.Headers;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * What a Jira response says about its rate limits (CONTRACT section 4, {@code ../shared/jira}):
 * {@code Retry-After} as seconds or an HTTP date, {@code X-RateLimit-Reset} as ISO-8601 with or
 * without seconds, {@code RateLimit-Reason}, {@code X-RateLimit-NearLimit}, Data Center's fill
 * rate, and the {@code Beta-} prefixed variants Jira sends while it rolls a header out.
 *
 * @param reason the {@code RateLimit-Reason}, or {@code null}
 * @param retryAfterMillis how long {@code Retry-After} asks to wait, {@code -1} when absent or
 *     unreadable; {@code 0} when it says 0 (Data Center), which means "back off by other means"
 * @param resetEpochMillis when {@code X-RateLimit-Reset} says the limit resets, {@code -1} when
 *     absent
 * @param nearLimit whether {@code X-RateLimit-NearLimit: true} (less than 20% left)
 * @param tokenMillis Data Center: how long one token takes to refill ({@code
 *     X-RateLimit-Interval-Seconds} over {@code X-RateLimit-FillRate}), {@code -1} when unknown
 */
public record RateLimitSignal(
    String reason,
    long retryAfterMillis,
    long resetEpochMillis,
    boolean nearLimit,
    long tokenMillis) {

  /** The reason that pauses writes to one issue. */
  public static final String PER_ISSUE_ON_WRITE = "jira-per-issue-on-write";

  /** The reason that pauses one endpoint and method. */
  public static final String BURST = "jira-burst-based";

  /**
   * The longest wait a header may ask for that Warden believes: a day. Anything further is a broken
   * clock or header.
   */
  static final long MAX_MILLIS = 86_400_000L;

  private static final DateTimeFormatter ISO =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .appendLiteral('T')
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .appendOffset("+HH:MM", "Z")
          .toFormatter(Locale.ROOT);

  /**
   * Reads a response's rate-limit fields.
   *
   * @param headers the response's header fields
   * @param nowEpochMillis the time now, for an HTTP date in {@code Retry-After}
   */
  public static RateLimitSignal read(Headers headers, long nowEpochMillis) {
    String reason = field(headers, RATELIMIT_REASON);
    long retryAfter = retryAfterMillis(field(headers, RETRY_AFTER), nowEpochMillis);
    long reset = resetEpochMillis(field(headers, RATELIMIT_RESET));
    boolean near = nearLimit(headers);
    long token =
        tokenMillis(field(headers, RATELIMIT_INTERVAL_SECONDS), field(headers, RATELIMIT_FILLRATE));
    return new RateLimitSignal(
        reason == null ? null : reason.trim(), retryAfter, reset, near, token);
  }

  /**
   * Whether Jira asks a request to wait and come back: a 429, or a 503 with {@code Retry-After}.
   */
  public static boolean asksToWait(int status, Headers headers) {
    return status == 429 || (status == 503 && field(headers, RETRY_AFTER) != null);
  }

  /**
   * Jira's {@code RateLimit-Reason} for a response that {@link #asksToWait asks to wait}, read
   * without the rest; {@code none} when it gave none.
   */
  public static String reasonOf(Headers headers) {
    String reason = trim(field(headers, RATELIMIT_REASON));
    return reason == null || reason.isEmpty() ? "none" : reason;
  }

  /**
   * Jira's {@code X-RateLimit-Remaining}: requests left in the current window, {@code -1} when it
   * said nothing readable.
   */
  public static long remaining(Headers headers) {
    String value = trim(field(headers, RATELIMIT_REMAINING));
    if (value == null || value.isEmpty() || value.length() > 18) {
      return -1;
    }
    long number = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      number = number * 10 + (c - '0');
    }
    return number;
  }

  /**
   * Whether Jira says the limit is near ({@code X-RateLimit-NearLimit: true}), read without the
   * rest.
   */
  public static boolean nearLimit(Headers headers) {
    return "true".equalsIgnoreCase(trim(field(headers, RATELIMIT_NEARLIMIT)));
  }

  /**
   * How long until the limit lifts by what Jira said, at least 0; {@code -1} when it said nothing
   * usable.
   */
  public long waitMillis(long nowEpochMillis) {
    long wait = -1;
    if (retryAfterMillis > 0) {
      wait = retryAfterMillis;
    }
    if (resetEpochMillis > 0) {
      wait = Math.max(wait, Math.min(MAX_MILLIS, Math.max(0, resetEpochMillis - nowEpochMillis)));
    }
    return wait;
  }

  /** A field Jira sends, also under its {@code Beta-} name. */
  private record Field(String name, String beta) {
    Field(String name) {
      this(name, "Beta-" + name);
    }
  }

  private static final Field RATELIMIT_REASON = new Field("RateLimit-Reason");
  private static final Field RETRY_AFTER = new Field("Retry-After");
  private static final Field RATELIMIT_RESET = new Field("X-RateLimit-Reset");
  private static final Field RATELIMIT_INTERVAL_SECONDS = new Field("X-RateLimit-Interval-Seconds");
  private static final Field RATELIMIT_FILLRATE = new Field("X-RateLimit-FillRate");
  private static final Field RATELIMIT_NEARLIMIT = new Field("X-RateLimit-NearLimit");
  private static final Field RATELIMIT_REMAINING = new Field("X-RateLimit-Remaining");

  private static String field(Headers headers, Field field) {
    String value = headers.first(field.name);
    return value != null ? value : headers.first(field.beta);
  }

  private static String trim(String value) {
    return value == null ? null : value.trim();
  }

  /**
   * {@code Retry-After}: delta-seconds (Jira sometimes sends a fraction) or an HTTP date (RFC
   * 9110).
   */
  static long retryAfterMillis(String value, long nowEpochMillis) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    // trim() also takes control characters that isBlank() keeps (found by fuzzing).
    String text = value.trim();
    if (text.isEmpty()) {
      return -1;
    }
    if (Character.isDigit(text.charAt(0))) {
      try {
        double seconds = Double.parseDouble(text);
        return seconds < 0 || Double.isNaN(seconds)
            ? -1
            : (long) Math.min(MAX_MILLIS, Math.ceil(seconds * 1000));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    try {
      long at =
          ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant()
              .toEpochMilli();
      return Math.min(MAX_MILLIS, Math.max(0, at - nowEpochMillis));
    } catch (java.time.DateTimeException | ArithmeticException e) {
      // Unreadable, or a date too far away to count in milliseconds (found by fuzzing).
      return -1;
    }
  }

  /**
   * {@code X-RateLimit-Reset}: ISO-8601 with an offset, seconds optional ({@code
   * 2024-05-01T10:00Z}).
   */
  static long resetEpochMillis(String value) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    // Jira sends the same reset on every response of a window: parse each text once.
    LastReset last = lastReset;
    if (last != null && last.text.equals(value)) {
      return last.epochMillis;
    }
    long millis = parseReset(value);
    lastReset = new LastReset(value, millis);
    return millis;
  }

  /** The last reset text read, and what it said. */
  private record LastReset(String text, long epochMillis) {}

  private static volatile LastReset lastReset;

  private static long parseReset(String value) {
    // A date too far away to count in milliseconds is as unreadable as none (found by fuzzing).
    try {
      return OffsetDateTime.parse(value.trim(), ISO).toInstant().toEpochMilli();
    } catch (java.time.DateTimeException | ArithmeticException e) {
      try {
        return Instant.parse(value.trim()).toEpochMilli();
      } catch (java.time.DateTimeException | ArithmeticException again) {
        return -1;
      }
    }
  }

  private static long tokenMillis(String intervalSeconds, String fillRate) {
    if (intervalSeconds == null || fillRate == null) {
      return -1;
    }
    try {
      double interval = Double.parseDouble(intervalSeconds.trim());
      double rate = Double.parseDouble(fillRate.trim());
      return interval > 0 && rate > 0
          ? (long) Math.min(MAX_MILLIS, Math.ceil(interval * 1000 / rate))
          : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
