package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.hook.netty.v4_1.NettyHeaders;
import dev.warden.agent.pipeline.HopRoute;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A hop of a Jira call that a redirect took to another host: its request goes with its {@link
 * HopRoute}'s edits (no credential), whatever the application's redirect callbacks put back
 * (Reactor Netty drops them itself for another address; this holds for any host that is not a
 * site).
 */
final class Anonymous extends ChannelOutboundHandlerAdapter {

  static final String NAME = "warden.anonymous";

  private final HopRoute route;

  Anonymous(HopRoute route) {
    this.route = route;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof HttpRequest head)) {
      ctx.write(msg, promise);
      return;
    }
    HttpHeaders headers = new DefaultHttpHeaders().set(head.headers());
    route.applyTo(headers::remove, headers::add);
    ctx.write(NettyHeaders.copy(head, head.uri(), headers), promise);
    ctx.pipeline().remove(this);
  }
}
