package dev.warden.agent.hook.jdk.httpclient;

import dev.warden.agent.bootstrap.JavaNetHttpHook;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Hands {@code java.net.http.HttpClient} calls to a Jira site to Warden; lets every other call
 * through untouched.
 */
public final class JdkHttpClientHook implements JavaNetHttpHook {

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
            redirectFree);
    CompletableFuture<?> result = gateway.handle(call);
    if (executor == null) {
      // A blocking send: its thread waits on the future itself.
      return result;
    }
    // As the JDK does for sendAsync: dependent actions never run on Warden's or the client's
    // internal threads.
    return result.whenCompleteAsync((response, error) -> {});
  }
}
