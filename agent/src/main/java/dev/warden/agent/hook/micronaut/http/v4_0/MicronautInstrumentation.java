package dev.warden.agent.hook.micronaut.http.v4_0;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Micronaut's Netty HTTP client 4 ({@code io.micronaut:micronaut-http-client}, injected, built by
 * {@code HttpClient.create} or behind a declarative {@code @Client}). Its HTTP/1.1 requests are
 * decided by the Netty gate ({@link dev.warden.agent.hook.netty.v4_1.ChannelGate}), which joins its
 * {@code http-client-codec}; this hook says where each call was made and keeps its connects
 * managed:
 *
 * <ul>
 *   <li>{@code DefaultHttpClient.sendRequestWithRedirectsNoFilter(..., request, ...)}, past the
 *       client's filters, on the application's thread for a call without asynchronous filters: the
 *       call's origin, kept with the request, and its outcome followed through the returned
 *       execution flow (a call that fails before any hop is audited with its failure);
 *   <li>{@code DefaultHttpClient.setRedirectHeaders(request, redirect, ...)}: a redirect's request
 *       carries the call's origin on;
 *   <li>{@code DefaultHttpClient.sendRawRequest0(pool, request, ...)}, on the connection's event
 *       loop just before the request is written: the origin goes to the connection's channel;
 *   <li>{@code ConnectionManager.configureSslHandler(sslHandler)}: a TLS connection to a site
 *       offers only HTTP/1.1 by ALPN (Micronaut offers HTTP/2 first), so that the gate sees its
 *       requests.
 * </ul>
 */
public final class MicronautInstrumentation implements HookInstrumentation {

  static final String PACKAGE = "dev.warden.agent.hook.micronaut.http.v4_0.";
  private static final String CLIENT = "io.micronaut.http.client.netty.DefaultHttpClient";

  @Override
  public String name() {
    return "micronaut-http-client-4";
  }

  @Override
  public List<String> typeNames() {
    return List.of(CLIENT, "io.micronaut.http.client.netty.ConnectionManager");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        .advice(
            isDeclaredBy(named(CLIENT))
                .and(named("sendRequestWithRedirectsNoFilter"))
                .and(takesArguments(5))
                .and(takesArgument(3, named("io.micronaut.http.MutableHttpRequest"))),
            PACKAGE + "MicronautAdvice$Send")
        .advice(
            isDeclaredBy(named(CLIENT)).and(named("setRedirectHeaders")).and(takesArguments(3)),
            PACKAGE + "MicronautAdvice$Redirect")
        .advice(
            isDeclaredBy(named(CLIENT))
                .and(named("sendRawRequest0"))
                .and(takesArguments(5))
                .and(takesArgument(1, named("io.micronaut.http.HttpRequest"))),
            PACKAGE + "MicronautAdvice$Write")
        .advice(
            isDeclaredBy(named("io.micronaut.http.client.netty.ConnectionManager"))
                .and(named("configureSslHandler"))
                .and(takesArguments(1))
                .and(takesArgument(0, named("io.netty.handler.ssl.SslHandler"))),
            PACKAGE + "MicronautAdvice$Tls");
  }

  @Override
  public String adapterPackage() {
    return PACKAGE;
  }
}
