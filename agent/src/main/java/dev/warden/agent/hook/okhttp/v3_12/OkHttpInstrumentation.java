package dev.warden.agent.hook.okhttp.v3_12;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * OkHttp 3.12 and newer (4.x, 5.x): every client gets Warden's application interceptor last (it
 * sees the request the application's own interceptors made, decides it, and can answer it) and
 * Warden's network interceptor last (it sees every hop, redirects included); every enqueued call
 * records where it was issued.
 */
public final class OkHttpInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.okhttp.v3_12.";

  @Override
  public String name() {
    return "okhttp-3.12";
  }

  @Override
  public List<String> typeNames() {
    return List.of(
        "okhttp3.OkHttpClient", "okhttp3.RealCall", "okhttp3.internal.connection.RealCall");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        .advice(
            isConstructor()
                .and(takesArguments(1))
                .and(takesArgument(0, named("okhttp3.OkHttpClient$Builder"))),
            PACKAGE + "OkHttpAdvice$AddInterceptors")
        .advice(named("enqueue").and(takesArguments(1)), PACKAGE + "OkHttpAdvice$RememberIssuer");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
