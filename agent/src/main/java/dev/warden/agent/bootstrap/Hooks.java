package dev.warden.agent.bootstrap;

import java.net.Proxy;
import java.net.SocketAddress;
import java.net.URL;
import java.net.URLConnection;
import java.util.concurrent.CompletableFuture;
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
   * Woven at the entry of the JDK's {@code HttpClientImpl.sendAsync(request, bodyHandler,
   * pushPromiseHandler, executor)}: Warden's future for the call, or {@code null} to let the client
   * send it.
   */
  public static CompletableFuture<?> sendAsync(
      Object client,
      Object request,
      Object bodyHandler,
      Object pushPromiseHandler,
      Object executor) {
    try {
      return javaNetHttp.sendAsync(client, request, bodyHandler, pushPromiseHandler, executor);
    } catch (Throwable error) {
      suppressed(error);
      return null;
    }
  }

  /**
   * Woven before each return of the JDK's {@code http} protocol {@code Handler.openConnection(url,
   * proxy)}: the connection to return, Warden's in front of the client's when it takes the call.
   */
  public static URLConnection opened(URLConnection connection, URL url, Proxy proxy) {
    if (connection == null) {
      return null;
    }
    try {
      return urlConnection.opened(connection, url, proxy);
    } catch (Throwable error) {
      suppressed(error);
      return connection;
    }
  }

  /**
   * Woven at the entry of {@code Socket.connect(address, timeout)} and {@code
   * SocketChannelImpl.connect(address)}: why the connect is refused (thrown as its {@code
   * ConnectException}), or {@code null} to let it connect.
   */
  public static String connecting(SocketAddress address) {
    try {
      return egress.connecting(address);
    } catch (Throwable error) {
      suppressed(error);
      return null;
    }
  }

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
