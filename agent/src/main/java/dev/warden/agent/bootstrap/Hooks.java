package dev.warden.agent.bootstrap;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Where woven advice meets Warden. Advice calls the static fields here; Warden sets them when it
 * starts. Until then, and when Warden is disabled, they pass everything through.
 */
public final class Hooks {

  /** The {@code java.net.http.HttpClient} hook. */
  public static volatile JavaNetHttpHook javaNetHttp = JavaNetHttpHook.PASS_THROUGH;

  /** The {@code HttpURLConnection} hook. */
  public static volatile UrlConnectionHook urlConnection = UrlConnectionHook.PASS_THROUGH;

  /** The socket connect hook ({@code unmanaged-egress}). */
  public static volatile EgressHook egress = EgressHook.PASS_THROUGH;

  /** The adapters of library hooks. */
  public static volatile Adapters adapters = Adapters.NONE;

  /** Where asynchronous calls were issued. */
  public static volatile AsyncCalls asyncCalls = AsyncCalls.NONE;

  private static final AtomicLong SUPPRESSED = new AtomicLong();
  private static volatile Consumer<Throwable> suppressedListener = t -> {};

  private Hooks() {}

  /**
   * Called by every advice for an error it suppressed, so that an internal error never breaks the
   * application but is never silent either.
   */
  public static void suppressed(Throwable error) {
    SUPPRESSED.incrementAndGet();
    try {
      suppressedListener.accept(error);
    } catch (Throwable ignored) {
      // A listener failure must not escape into the application.
    }
  }

  /** How many errors advice has suppressed since the JVM started. */
  public static long suppressedCount() {
    return SUPPRESSED.get();
  }

  /** Sets who hears about suppressed errors (Warden's log). */
  public static void onSuppressed(Consumer<Throwable> listener) {
    suppressedListener = listener;
  }
}
