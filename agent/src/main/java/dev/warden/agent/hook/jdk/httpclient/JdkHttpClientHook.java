package dev.warden.agent.hook.jdk.httpclient;

import dev.warden.agent.bootstrap.JavaNetHttpHook;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Hands {@code java.net.http.HttpClient} calls to a Jira site to Warden; lets every other call
 * through untouched.
 */
public final class JdkHttpClientHook implements JavaNetHttpHook {

  /** Where the JDK's {@code sendAsync} completes: {@code CompletableFuture}'s default executor. */
  private static final Executor DEFAULT_EXECUTOR = new CompletableFuture<Void>().defaultExecutor();

  private final Gateway gateway;
  private final RedirectFreeClients redirectFree = new RedirectFreeClients();

  public JdkHttpClientHook(Gateway gateway) {
    this.gateway = gateway;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public CompletableFuture<?> sendAsync(
      Object client,
      Object request,
      Object bodyHandler,
      Object pushPromiseHandler,
      Object executor) {
    if (Bypass.active()
        || !(request instanceof HttpRequest httpRequest)
        || !gateway.isSiteOrigin(httpRequest.uri())) {
      return null;
    }
    JdkHttpCall call =
        new JdkHttpCall(
            (HttpClient) client,
            httpRequest,
            (HttpResponse.BodyHandler) bodyHandler,
            (HttpResponse.PushPromiseHandler) pushPromiseHandler,
            redirectFree,
            executor == null);
    CompletableFuture<?> result = gateway.handle(call);
    if (executor == null) {
      // A blocking send, whose thread waits on the future itself: it ran on this thread, and is
      // done.
      if (result.isCompletedExceptionally()
          && Thread.currentThread().isInterrupted()
          && interruptedBy(result)) {
        // The client's send throws InterruptedException itself when its wait is interrupted.
        return new CompletableFuture<>();
      }
      return result;
    }
    // As the JDK does for sendAsync: dependent actions run on its default executor, never on
    // Warden's threads or the client's internal ones. A call the client completed is already there;
    // only one Warden completed (an answer, a wait) is handed over.
    return result.whenCompleteAsync(
        (response, error) -> {},
        task -> {
          if (Thread.currentThread() == call.completedOn()) {
            task.run();
          } else {
            DEFAULT_EXECUTOR.execute(task);
          }
        });
  }

  private static boolean interruptedBy(CompletableFuture<?> result) {
    try {
      result.getNow(null);
      return false;
    } catch (java.util.concurrent.CompletionException e) {
      // The client's own wait, or Warden's (a throttle wait parks this thread).
      return e.getCause() instanceof InterruptedException
          || e.getCause() instanceof java.io.InterruptedIOException;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
