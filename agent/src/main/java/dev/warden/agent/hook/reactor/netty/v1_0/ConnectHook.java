package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.hook.netty.v4_1.NettyHeaders;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import java.net.URI;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientConfig;
import reactor.util.context.Context;

/**
 * Wraps the {@code Mono} of {@code HttpClientConnect.connect()} for a call to a site's origin. On
 * subscription, on the subscribing thread (the application's, for {@code block()} and {@code
 * subscribe(...)}), it captures where the call was made and puts it in the call's Reactor context,
 * where each hop's gate finds it on the event loop; a call that fails before any hop was decided is
 * audited on its way to the application. Every other call is returned untouched.
 */
public final class ConnectHook implements BiFunction<Object, Object, Object> {

  /** Whether the client connects to {@code target} through its proxy (a tunnel, for HTTP). */
  private static boolean proxied(HttpClientConfig config, URI target) {
    if (!config.hasProxy()) {
      return false;
    }
    reactor.netty.transport.ProxyProvider proxy = config.proxyProvider();
    if (proxy == null) {
      // 1.1 and newer keep it behind a supplier (1.0 has none): read it, or take it as proxied.
      try {
        Object supplier = config.getClass().getMethod("proxyProviderSupplier").invoke(config);
        proxy =
            supplier instanceof java.util.function.Supplier<?> s
                    && s.get() instanceof reactor.netty.transport.ProxyProvider p
                ? p
                : null;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return true;
      }
    }
    return proxy != null
        && proxy.shouldProxy(
            java.net.InetSocketAddress.createUnresolved(
                dev.warden.policy.SiteUrl.hostOf(target),
                dev.warden.policy.SiteUrl.effectivePort(target)));
  }

  @Override
  public Object apply(Object client, Object connecting) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null
        || Bypass.active()
        || !(client instanceof HttpClient http)
        || !(connecting instanceof Mono<?> mono)) {
      return connecting;
    }
    HttpClientConfig config = http.configuration();
    if (config.websocketClientSpec() != null) {
      return connecting;
    }
    URI target = Uris.target(config);
    if (target == null || !gateway.isSiteOrigin(target)) {
      return connecting;
    }
    // Where the call was assembled: the caller when it is subscribed from a thread with no
    // application code on it.
    Callsite assembled = gateway.capture();
    String method = config.method().name();
    Headers headers = NettyHeaders.of(config.headers());
    return Mono.deferContextual(
        view -> {
          Callsite subscribed = gateway.capture();
          CallState state =
              new CallState(
                  subscribed.callerClass() != null ? subscribed : assembled,
                  method,
                  target,
                  headers,
                  config.responseTimeout());
          state.proxied = proxied(config, target);
          String managed = ManagedConnects.begin(gateway, target);
          return mono.onErrorResume(error -> state.failed(gateway, error))
              .doFinally(
                  signal -> {
                    ManagedConnects.end(gateway, managed);
                    if (signal == SignalType.CANCEL) {
                      state.cancelled();
                    }
                  })
              .contextWrite(Context.of(CallState.KEY, state));
        });
  }
}
