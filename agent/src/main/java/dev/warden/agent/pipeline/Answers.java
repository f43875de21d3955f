package dev.warden.agent.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Every response Warden makes instead of Jira's (CONTRACT section 4), and its messages: one place,
 * so that they stay consistent. Bodies are in Jira's error shape, {@code {"errorMessages":["warden:
 * ..."],"errors":{}}}.
 */
public final class Answers {

  public static final String DECISION_HEADER = "X-Warden-Decision";
  public static final String RULE_HEADER = "X-Warden-Rule";
  public static final String THROTTLE_HEADER = "X-Warden-Throttle";

  /** How long a 503 tells the application to wait before asking again. */
  static final long UNAVAILABLE_RETRY_NANOS = 10_000_000_000L;

  private static final JsonFactory JSON = new JsonFactory();

  private Answers() {}

  /** 403: a rule (or no rule) denied the request. */
  public static Answer denied(String method, String path, String operation, String ruleId) {
    String message =
        "warden: " + method + " " + path + " (" + operation + ") denied by rule " + ruleId;
    Headers headers =
        Headers.of(
            "Content-Type", "application/json", DECISION_HEADER, "deny", RULE_HEADER, ruleId);
    return new Answer(403, "Forbidden", headers, body(message), message);
  }

  /** 429: no throttle token within {@code max-wait}. */
  public static Answer throttled(
      String method, String path, String operation, String throttle, long retryAfterNanos) {
    String message =
        "warden: "
            + method
            + " "
            + path
            + " ("
            + operation
            + ") throttled by '"
            + throttle
            + "': no token within its max-wait";
    Headers headers =
        Headers.of(
            "Content-Type",
            "application/json",
            "Retry-After",
            Long.toString(retryAfterSeconds(retryAfterNanos)),
            DECISION_HEADER,
            "throttled",
            THROTTLE_HEADER,
            throttle);
    return new Answer(429, "Too Many Requests", headers, body(message), message);
  }

  /**
   * 429: Jira asked the request's scope to pause for longer than its {@code max-wait}.
   *
   * @param throttle the rule's throttle, or {@code null} when it has none (then no {@code
   *     X-Warden-Throttle})
   */
  public static Answer paused(
      String method,
      String path,
      String operation,
      String throttle,
      java.time.Duration maxWait,
      long retryAfterNanos) {
    String message =
        "warden: "
            + method
            + " "
            + path
            + " ("
            + operation
            + ") throttled: Jira asked to pause these requests for "
            + retryAfterSeconds(retryAfterNanos)
            + " s, longer than the max-wait of "
            + maxWait.toMillis()
            + " ms";
    Headers headers =
        Headers.of(
            "Content-Type",
            "application/json",
            "Retry-After",
            Long.toString(retryAfterSeconds(retryAfterNanos)),
            DECISION_HEADER,
            "throttled");
    if (throttle != null) {
      headers = headers.with(THROTTLE_HEADER, throttle);
    }
    return new Answer(429, "Too Many Requests", headers, body(message), message);
  }

  /**
   * 503: an internal error of Warden's; the request was not sent (Jira-bound traffic fails closed).
   */
  public static Answer internalError() {
    return unavailable("internal error; the request was not sent");
  }

  /**
   * 503: a credential or the policy cannot be used; {@code reason} names which and why, never a
   * secret.
   */
  public static Answer unavailable(String reason) {
    return unavailable(reason, UNAVAILABLE_RETRY_NANOS);
  }

  /** Like {@link #unavailable(String)}, asking the application to wait {@code retryAfterNanos}. */
  static Answer unavailable(String reason, long retryAfterNanos) {
    String message = "warden: " + reason;
    Headers headers =
        Headers.of(
            "Content-Type",
            "application/json",
            "Retry-After",
            Long.toString(retryAfterSeconds(retryAfterNanos)),
            DECISION_HEADER,
            "unavailable");
    return new Answer(503, "Service Unavailable", headers, body(message), message);
  }

  /** Whole seconds, rounded up, at least 1. */
  static long retryAfterSeconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }

  private static byte[] body(String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length() + 40);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("errorMessages");
      json.writeString(message);
      json.writeEndArray();
      json.writeObjectFieldStart("errors");
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
