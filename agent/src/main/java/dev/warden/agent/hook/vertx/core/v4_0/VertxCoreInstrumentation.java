package dev.warden.agent.hook.vertx.core.v4_0;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Vert.x core's {@code HttpClient} 4.0 to 5.0, and so what is built on it (the Quarkus REST
 * client). Its HTTP/1.1 requests are decided by the Netty gate ({@link
 * dev.warden.agent.hook.netty.v4_1.ChannelGate}); this hook only says where each call was made and
 * keeps its connects managed, at the one method every way of making a request goes through:
 *
 * <ul>
 *   <li>4.0: the private {@code request(RequestOptions, PromiseInternal)} and {@code
 *       request(HttpMethod, int, String, String, PromiseInternal)};
 *   <li>4.5: the private {@code doRequest(RequestOptions, PromiseInternal)};
 *   <li>5.0: the public {@code request(RequestOptions)}, returning the call's {@code Future}.
 * </ul>
 *
 * A redirect Vert.x follows is a new request made on the event loop; {@code
 * HttpClientRequestImpl.handleNextRequest(next, ...)} hands the first call's origin to it.
 */
public final class VertxCoreInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.vertx.core.v4_0.";
  static final String CLIENT = "io.vertx.core.http.impl.HttpClientImpl";
  static final String REQUEST = "io.vertx.core.http.impl.HttpClientRequestImpl";
  private static final String OPTIONS = "io.vertx.core.http.RequestOptions";
  private static final String PROMISE = "io.vertx.core.impl.future.PromiseInternal";

  @Override
  public String name() {
    return "vertx-core-http-client-4.0";
  }

  @Override
  public List<String> typeNames() {
    return List.of(CLIENT, REQUEST);
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    ElementMatcher.Junction<MethodDescription> withPromise =
        namedOneOf("request", "doRequest")
            .and(takesArguments(2))
            .and(takesArgument(0, named(OPTIONS)))
            .and(takesArgument(1, named(PROMISE)));
    return transformer
        .advice(
            isDeclaredBy(named(CLIENT)).and(withPromise), PACKAGE + "VertxCoreAdvice$WithPromise")
        .advice(
            isDeclaredBy(named(CLIENT))
                .and(named("request"))
                .and(takesArguments(5))
                .and(takesArgument(0, named("io.vertx.core.http.HttpMethod")))
                .and(takesArgument(1, int.class))
                .and(takesArgument(4, named(PROMISE))),
            PACKAGE + "VertxCoreAdvice$HostPortWithPromise")
        .advice(
            isDeclaredBy(named(CLIENT).and(not(declaresMethod(withPromise))))
                .and(named("request"))
                .and(takesArguments(1))
                .and(takesArgument(0, named(OPTIONS)))
                .and(returns(named("io.vertx.core.Future"))),
            PACKAGE + "VertxCoreAdvice$ReturningFuture")
        .advice(
            isDeclaredBy(named(REQUEST)).and(named("handleNextRequest")),
            PACKAGE + "VertxCoreAdvice$NextHop");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
