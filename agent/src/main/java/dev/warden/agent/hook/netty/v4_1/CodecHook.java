package dev.warden.agent.hook.netty.v4_1;

import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.log.Log;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.util.function.BiConsumer;

/**
 * Puts Warden's {@link ChannelGate} right after an HTTP client codec that has just joined a
 * channel's pipeline (moving it there if the channel had one after an earlier codec), unless the
 * channel is Reactor Netty's (its own hook guards it) or Warden's own (the Redis store's Netty is
 * relocated and never meets this).
 */
public final class CodecHook implements BiConsumer<Object, Object> {

  @Override
  public void accept(Object codec, Object context) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null
        || Bypass.active()
        || !(codec instanceof io.netty.handler.codec.http.HttpClientCodec)
        || !(context instanceof ChannelHandlerContext ctx)
        || ctx.handler() != codec) {
      return;
    }
    String name = ctx.name();
    if (name.startsWith("reactor.")) {
      return;
    }
    ChannelPipeline pipeline = ctx.pipeline();
    try {
      io.netty.channel.ChannelHandler existing = pipeline.get(ChannelGate.NAME);
      if (existing != null) {
        // A codec replaced mid-connection (HTTPS through a proxy, after its CONNECT): the gate
        // moves to stay right after the codec that now speaks HTTP.
        pipeline.remove(existing);
      }
      pipeline.addAfter(name, ChannelGate.NAME, new ChannelGate(gateway));
    } catch (RuntimeException e) {
      boolean site =
          ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress remote
              && (gateway.isSiteOrigin("http", remote.getHostString(), remote.getPort())
                  || gateway.isSiteOrigin("https", remote.getHostString(), remote.getPort()));
      Log.get()
          .error(
              "cannot guard a Netty HTTP client channel ("
                  + e.getClass().getName()
                  + (site ? "); it is closed, unused" : "); its requests are not guarded"));
      if (site) {
        ctx.channel().close();
      }
    }
  }
}
