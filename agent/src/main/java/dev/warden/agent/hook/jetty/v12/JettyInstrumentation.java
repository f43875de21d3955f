package dev.warden.agent.hook.jetty.v12;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Jetty HttpClient 12.0 and 12.1. Every way of sending a request ({@code send()}, {@code
 * send(listener)}, {@code CompletableResponseListener}) goes through {@code
 * HttpRequest.send(Response.CompleteListener)}: there a request to a site's origin is taken over
 * (see {@link SendHook}). Two smaller hooks go with it: {@code HttpRequest.abort/fail}, so that the
 * application aborting its request aborts Warden's copy of it, and {@code
 * HttpConnection.normalizeRequest}, where Jetty adds the credentials of its own authentication and
 * cookie stores just before a request is written, so that Warden's copy leaves with Warden's
 * credential only.
 */
public final class JettyInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.jetty.v12.";
  static final String HTTP_REQUEST = "org.eclipse.jetty.client.transport.HttpRequest";
  static final String HTTP_CONNECTION = "org.eclipse.jetty.client.transport.HttpConnection";

  @Override
  public String name() {
    return "jetty-client-12";
  }

  @Override
  public List<String> typeNames() {
    return List.of(HTTP_REQUEST, HTTP_CONNECTION);
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        .advice(
            isDeclaredBy(named(HTTP_REQUEST))
                .and(named("send"))
                .and(takesArguments(1))
                .and(takesArgument(0, named("org.eclipse.jetty.client.Response$CompleteListener"))),
            PACKAGE + "JettyAdvice$Send")
        .advice(
            isDeclaredBy(named(HTTP_REQUEST))
                .and(namedOneOf("abort", "fail"))
                .and(takesArguments(1))
                .and(takesArgument(0, named("java.lang.Throwable"))),
            PACKAGE + "JettyAdvice$Abort")
        .advice(
            isDeclaredBy(named(HTTP_CONNECTION))
                .and(named("normalizeRequest"))
                .and(takesArguments(1)),
            PACKAGE + "JettyAdvice$Normalize");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
