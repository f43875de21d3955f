package dev.warden.agent.hook.apache.v4_2;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Apache HttpClient 4.2 to 4.5, classic. Two paths lead to the network and both are hooked before
 * any connection is made: the exec chain of 4.3 and newer ({@code MainClientExec} and {@code
 * MinimalClientExec}, below {@code RedirectExec}, so every hop is seen), and {@code
 * AbstractHttpClient} with its request director ({@code DefaultHttpClient}, all of 4.2): whole
 * calls, whose redirects Warden follows.
 */
public final class ApacheInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.apache.v4_2.";

  @Override
  public String name() {
    return "apache-httpclient-4.2";
  }

  @Override
  public List<String> typeNames() {
    return List.of(
        "org.apache.http.impl.execchain.MainClientExec",
        "org.apache.http.impl.execchain.MinimalClientExec",
        "org.apache.http.impl.client.AbstractHttpClient");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        .advice(named("execute").and(takesArguments(4)), PACKAGE + "ApacheAdvice$ExecChain")
        .advice(
            named("execute")
                .or(named("doExecute"))
                .and(takesArguments(3))
                .and(takesArgument(0, named("org.apache.http.HttpHost")))
                .and(takesArgument(2, named("org.apache.http.protocol.HttpContext"))),
            PACKAGE + "ApacheAdvice$LegacyClient");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
