package dev.warden.agent.hook.apache.v5_0;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Apache HttpClient 5, classic and async: {@code ConnectExec} and {@code AsyncConnectExec}, the
 * exec chains' handlers that open the connection. Every hop passes them (redirects are followed
 * above, by {@code RedirectExec} / {@code AsyncRedirectExec}), with the headers the protocol
 * handler added, before anything reaches the network.
 */
public final class Apache5Instrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.apache.v5_0.";

  @Override
  public String name() {
    return "apache-httpclient-5.0";
  }

  @Override
  public List<String> typeNames() {
    return List.of(
        "org.apache.hc.client5.http.impl.classic.ConnectExec",
        "org.apache.hc.client5.http.impl.async.AsyncConnectExec");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        .advice(
            isDeclaredBy(named("org.apache.hc.client5.http.impl.classic.ConnectExec"))
                .and(named("execute"))
                .and(takesArguments(3)),
            PACKAGE + "ConnectExecAdvice")
        .advice(
            isDeclaredBy(named("org.apache.hc.client5.http.impl.async.AsyncConnectExec"))
                .and(named("execute"))
                .and(takesArguments(5)),
            PACKAGE + "AsyncConnectExecAdvice");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
