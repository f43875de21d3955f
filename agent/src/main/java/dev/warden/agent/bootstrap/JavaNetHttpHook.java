package dev.warden.agent.bootstrap;

import java.util.concurrent.CompletableFuture;

/**
 * The hook on {@code java.net.http.HttpClient}: every {@code send} and {@code sendAsync} reaches
 * {@link #sendAsync}. Parameters are {@code Object} because the bootstrap class loader cannot see
 * the {@code java.net.http} module's types.
 */
public interface JavaNetHttpHook {

  /** Lets every request through. */
  JavaNetHttpHook PASS_THROUGH =
      (client, request, bodyHandler, pushPromiseHandler, executor) -> null;

  /**
   * Takes over a request, or declines it.
   *
   * @param client the {@code HttpClient}
   * @param request the application's {@code HttpRequest}
   * @param bodyHandler its {@code BodyHandler}
   * @param pushPromiseHandler its {@code PushPromiseHandler}, or {@code null}
   * @param executor the executor of {@code sendAsync}, {@code null} for a blocking {@code send}
   * @return the response future when Warden handles the request; {@code null} to let the client
   *     proceed on its own
   */
  CompletableFuture<?> sendAsync(
      Object client,
      Object request,
      Object bodyHandler,
      Object pushPromiseHandler,
      Object executor);
}
