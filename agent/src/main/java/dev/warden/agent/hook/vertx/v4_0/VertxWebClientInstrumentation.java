package dev.warden.agent.hook.vertx.v4_0;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Vert.x WebClient 4.0 to 5.0 ({@code io.vertx:vertx-web-client}). Every request of a WebClient
 * goes through the client's interceptor chain, phase by phase, and every redirect hop WebClient
 * follows (it follows them itself, not vertx-core's HttpClient) passes the {@code CREATE_REQUEST}
 * phase again before a connection is taken. So Warden puts its own interceptor last in each
 * client's chain (after the application's, OAuth2's and the session's, which may set headers), when
 * the client is built and again whenever an interceptor is added, and decides each hop there
 * without blocking the event loop.
 *
 * <p>The interceptor API ({@code HttpContext}, {@code ClientPhase}, {@code HttpResponseImpl}'s
 * constructor) is the same in 4.0, 4.5 and 5.0; the one difference Warden meets, how a response
 * body codec is run, is bridged by reflection in {@link SyntheticResponses}. Hence one package.
 */
public final class VertxWebClientInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.vertx.v4_0.";

  @Override
  public String name() {
    return "vertx-web-client-4.0";
  }

  @Override
  public List<String> typeNames() {
    return List.of("io.vertx.ext.web.client.impl.WebClientBase");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        .advice(isConstructor(), PACKAGE + "WebClientAdvice")
        .advice(
            named("addInterceptor").and(takesArguments(1)).and(not(isBridge())),
            PACKAGE + "WebClientAdvice");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
