package dev.warden.agent.hook.reactor.netty.v1_0;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Reactor Netty's {@code HttpClient} 1.0 to 1.3, and so Spring's {@code WebClient} on it. Two
 * points, the same in every version:
 *
 * <ul>
 *   <li>{@code HttpClientConnect.connect()}, which every way of receiving a response ({@code
 *       response}, {@code responseSingle}, {@code responseContent}, {@code responseConnection})
 *       goes through: the call's {@code Mono} is wrapped so that, on subscription, it carries where
 *       the call was made (in its Reactor context), and a call that fails before any request went
 *       out (connection refused) is still audited, failing as Reactor Netty failed it;
 *   <li>{@code HttpClientConnect.HttpClientHandler.requestWithBody(ops)}, run for every hop (the
 *       first request, each redirect Reactor Netty follows, each retry) once a connection is ready
 *       and before anything is written: a hop to a site gets Warden's gate in its channel, which
 *       holds the request as the client writes it (headers set by the application's send function,
 *       as Spring's {@code WebClient} sets them, and the body), decides it, and either lets it go
 *       with the site's credential or answers it inside the channel with Warden's response, which
 *       the client then reads as its own.
 * </ul>
 *
 * Deciding at the hop, not before connecting, is what lets Warden see the request whole: a {@code
 * WebClient} sets its headers and writes its body only on the live connection (and casts its
 * request object to Reactor Netty's own), so no request exists before then.
 */
public final class ReactorNettyInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.reactor.netty.v1_0.";
  static final String CONNECT = "reactor.netty.http.client.HttpClientConnect";
  static final String HANDLER = "reactor.netty.http.client.HttpClientConnect$HttpClientHandler";

  @Override
  public String name() {
    return "reactor-netty-http-1.0";
  }

  @Override
  public List<String> typeNames() {
    return List.of(CONNECT, HANDLER);
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        .advice(
            isDeclaredBy(named(CONNECT))
                .and(named("connect"))
                .and(takesArguments(0))
                .and(returns(named("reactor.core.publisher.Mono"))),
            PACKAGE + "ReactorNettyAdvice$Connect")
        .advice(
            isDeclaredBy(named(HANDLER)).and(named("requestWithBody")).and(takesArguments(1)),
            PACKAGE + "ReactorNettyAdvice$Request");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
