package dev.warden.agent.credential;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often each credential renewed its token, and how each failure ended, for {@code
 * warden.credential.refreshes}: counted without a lock, read when metrics are collected.
 */
public final class RefreshCounts {

  /** A credential's renewals that ended one way: {@code errorType} {@code null} on success. */
  public record Outcome(String credential, String errorType) {}

  private final Map<Outcome, LongAdder> counts = new ConcurrentHashMap<>();

  /** A renewal of {@code credential} ended: {@code errorType} {@code null} when it succeeded. */
  public void record(String credential, String errorType) {
    counts
        .computeIfAbsent(new Outcome(credential, errorType), ignored -> new LongAdder())
        .increment();
  }

  /** Each outcome seen so far with its count. */
  public void forEach(java.util.function.ObjLongConsumer<Outcome> each) {
    counts.forEach((outcome, count) -> each.accept(outcome, count.sum()));
  }

  /**
   * An OAuth error code as an attribute value: kept when it looks like one ({@code invalid_grant},
   * {@code invalid_client}...), {@code other} otherwise, so a server's text never becomes a label.
   */
  public static String errorCode(String error, int status) {
    if (error != null && error.matches("[a-z_]{1,40}")) {
      return error;
    }
    return status > 0 ? "http_" + status : "other";
  }
}
