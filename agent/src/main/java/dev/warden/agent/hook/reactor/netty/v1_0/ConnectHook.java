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
