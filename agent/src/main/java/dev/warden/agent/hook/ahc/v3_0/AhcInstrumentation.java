package dev.warden.agent.hook.ahc.v3_0;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * AsyncHttpClient 3.0 ({@code org.asynchttpclient:async-http-client}). Its requests are decided by
 * the Netty gate ({@link dev.warden.agent.hook.netty.v4_1.ChannelGate}); this hook says where each
 * call was made and keeps its connects managed:
 *
 * <ul>
 *   <li>{@code DefaultAsyncHttpClient.executeRequest(Request, AsyncHandler)}, which every way of
 *       making a request goes through, on the application's thread: the call's origin, followed
 *       through the returned future;
 *   <li>the {@code NettyResponseFuture} made inside it carries the origin: AsyncHttpClient reuses
 *       it for every redirect and retry of the call;
 *   <li>{@code NettyRequestSender.writeRequest(future, channel)}, each hop's write: the origin goes
 *       to the channel, where the gate takes it with the request;
 *   <li>{@code ChannelManager.createSslHandler(host, port, http2)}: a connection to a site offers
 *       only HTTP/1.1 by ALPN, so that the gate, which speaks HTTP/1.1, sees its requests.
 * </ul>
 */
public final class AhcInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.ahc.v3_0.";

  @Override
  public String name() {
    return "async-http-client-3.0";
  }

  @Override
  public List<String> typeNames() {
    return List.of(
        "org.asynchttpclient.DefaultAsyncHttpClient",
        "org.asynchttpclient.netty.NettyResponseFuture",
        "org.asynchttpclient.netty.request.NettyRequestSender",
        "org.asynchttpclient.netty.channel.ChannelManager");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        .advice(
            isDeclaredBy(named("org.asynchttpclient.DefaultAsyncHttpClient"))
                .and(named("executeRequest"))
                .and(takesArguments(2))
                .and(takesArgument(0, named("org.asynchttpclient.Request"))),
            PACKAGE + "AhcAdvice$Execute")
        .advice(
            isDeclaredBy(named("org.asynchttpclient.netty.NettyResponseFuture"))
                .and(isConstructor()),
            PACKAGE + "AhcAdvice$FutureMade")
        .advice(
            isDeclaredBy(named("org.asynchttpclient.netty.NettyResponseFuture"))
                .and(named("abort"))
                .and(takesArguments(1))
                .and(takesArgument(0, Throwable.class)),
            PACKAGE + "AhcAdvice$Abort")
        .advice(
            isDeclaredBy(named("org.asynchttpclient.netty.request.NettyRequestSender"))
                .and(named("writeRequest"))
                .and(takesArguments(2)),
            PACKAGE + "AhcAdvice$Write")
        .advice(
            isDeclaredBy(named("org.asynchttpclient.netty.channel.ChannelManager"))
                .and(named("createSslHandler"))
                .and(takesArguments(3))
                .and(takesArgument(2, boolean.class)),
            PACKAGE + "AhcAdvice$Tls");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
