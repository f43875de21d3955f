package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.log.Log;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.HopRoute;
import io.netty.channel.ChannelPipeline;
import java.io.IOException;
import java.net.URI;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClientRequest;

/**
 * Runs when Reactor Netty has prepared a hop (request line, configured headers) on its connection
 * and nothing of it is written: a hop to a site's origin gets a {@link Gate} in its channel; a
 * later hop of a Jira call to another host gets {@link Anonymous}; anything else passes untouched.
 * If a hop to a site cannot be guarded it is not sent.
 */
public final class RequestHook implements BiFunction<Object, Object, Object> {

  @Override
  public Object apply(Object operations, Object sending) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null
        || Bypass.active()
        || !(operations instanceof HttpClientRequest request)
        || !(operations instanceof Connection connection)) {
      return sending;
    }
    ChannelPipeline pipeline = connection.channel().pipeline();
    // A connection from the pool may still carry a handler of a request that never wrote anything.
    if (pipeline.get(Gate.NAME) != null) {
      pipeline.remove(Gate.NAME);
    }
    if (pipeline.get(Anonymous.NAME) != null) {
      pipeline.remove(Anonymous.NAME);
    }
    CallState state = request.currentContextView().getOrDefault(CallState.KEY, null);
    URI uri = Uris.parse(request.resourceUrl());
    if (uri == null) {
      return state == null ? sending : refuse("its URL cannot be read");
    }
    HopRoute route = gateway.route(uri, state != null && state.siteChain);
    if (route == HopRoute.SITE) {
      try {
        new Gate(gateway, state, connection, operations, uri).install(pipeline);
        return sending;
      } catch (RuntimeException e) {
        Log.get()
            .error(
                "internal error guarding a Reactor Netty request to "
                    + uri.getScheme()
                    + "://"
                    + uri.getHost()
                    + ":"
                    + uri.getPort()
                    + "; it is not sent ("
                    + e.getClass().getName()
                    + ")");
        return refuse("internal error");
      }
    }
    if (route.edits() != null) {
      pipeline.addBefore(NettyPipeline.ReactiveBridge, Anonymous.NAME, new Anonymous(route));
    }
    return sending;
  }

  private static Mono<Void> refuse(String why) {
    return Mono.error(
        new IOException("warden: " + why + "; the request to a Jira site was not sent"));
  }
}
