package dev.warden.agent.hook.apache.v5_0;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Apache HttpClient 5, classic: {@code ConnectExec}, the exec chain's handler that opens the
 * connection. Every hop passes it (redirects are followed above it, by {@code RedirectExec}), with
 * the headers {@code ProtocolExec} added, before anything reaches the network.
 */
public final class Apache5Instrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.apache.v5_0.";

  @Override
  public String name() {
    return "apache-httpclient-5.0";
  }

  @Override
  public List<String> typeNames() {
    return List.of("org.apache.hc.client5.http.impl.classic.ConnectExec");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer.advice(named("execute").and(takesArguments(3)), PACKAGE + "ConnectExecAdvice");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
