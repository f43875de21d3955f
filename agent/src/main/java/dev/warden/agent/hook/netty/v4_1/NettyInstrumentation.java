package dev.warden.agent.hook.netty.v4_1;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Netty 4.1 and 4.2's HTTP/1.1 client channels, whichever client builds them: when Netty's {@code
 * HttpClientCodec} joins a channel's pipeline (its {@code
 * CombinedChannelDuplexHandler.handlerAdded}, once per connection), Warden's {@link ChannelGate}
 * joins right after it. The gate decides each request to a site there, so one hook covers every
 * client that speaks HTTP/1.1 through Netty's codec: Vert.x core's {@code HttpClient},
 * AsyncHttpClient, Micronaut's client. Each of those adds a thin hook of its own ({@link
 * dev.warden.agent.hook.CallOrigin}) only to say where a call was made, which the event loop
 * cannot. Reactor Netty's channels are left to its own hook, which sees more of the call.
 */
public final class NettyInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.netty.v4_1.";

  @Override
  public String name() {
    return "netty-http-client-4.1";
  }

  @Override
  public List<String> typeNames() {
    return List.of("io.netty.channel.CombinedChannelDuplexHandler");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer.advice(
        named("handlerAdded").and(takesArguments(1)), PACKAGE + "NettyAdvice$CodecAdded");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
