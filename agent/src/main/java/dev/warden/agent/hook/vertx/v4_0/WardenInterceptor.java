package dev.warden.agent.hook.vertx.v4_0;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.HopRoute;
import dev.warden.policy.SiteUrl;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;

/**
 * Warden's interceptor, last in a WebClient's chain. WebClient runs the chain once per phase, and
 * runs {@code CREATE_REQUEST} again for every redirect hop it follows, before it asks vertx-core
 * for a connection; so each hop to a Jira site is decided there, as its own pipeline hop ({@link
 * VertxCall}), and a hop of such a call to another host loses its {@code Authorization} (vertx-core
 * copies the previous hop's fields into a redirect, the site's credential among them; 4.0 copies
 * the application's). The phases that end a hop it sent ({@code FOLLOW_REDIRECT}, {@code
 * RECEIVE_RESPONSE}, {@code FAILURE}) are held until Warden has seen the outcome. Nothing here
 * blocks: the chain is resumed ({@code ctx.next()}) or answered ({@code ctx.dispatchResponse}) when
 * Warden's future completes.
 *
 * <p>The first hop's {@code CREATE_REQUEST} runs on the thread that called {@code send()}, which is
 * where the caller is captured; redirect hops run on the event loop and reuse it.
 */
public final class WardenInterceptor implements Handler<HttpContext<?>> {

  /** Set on a context once one of its hops went to a Jira site. */
  static final String CHAIN = "dev.warden.chain";

  /** Where the application called {@code send()}. */
  static final String CALLSITE = "dev.warden.callsite";

  /** The hop Warden sent and waits for the outcome of. */
  static final String HOP = "dev.warden.hop";

  /**
   * {@code RequestOptions.getServer()}: a {@code SocketAddress} in 4, an {@code Address} in 5, so
   * not linked to directly.
   */
  private static final Method GET_SERVER = serverAccessor();

  private final boolean defaultSsl;

  /**
   * @param defaultSsl whether the client uses TLS when a request does not say (its options' {@code
   *     ssl})
   */
  WardenInterceptor(boolean defaultSsl) {
    this.defaultSsl = defaultSsl;
  }

  @Override
  public void handle(HttpContext<?> ctx) {
    if (!takenOver(ctx)) {
      ctx.next();
    }
  }

  /** Whether Warden took this phase over (and will resume the chain itself). */
  private boolean takenOver(HttpContext<?> ctx) {
    ClientPhase phase;
    try {
      phase = ctx.phase();
      if (phase == ClientPhase.CREATE_REQUEST) {
        return create(ctx);
      }
      if (phase != ClientPhase.FOLLOW_REDIRECT
          && phase != ClientPhase.RECEIVE_RESPONSE
          && phase != ClientPhase.FAILURE) {
        return false;
      }
      VertxCall hop = ctx.get(HOP);
      if (hop == null) {
        return false;
      }
      ctx.set(HOP, null);
      return hop.responded(phase);
    } catch (RuntimeException | LinkageError e) {
      // Only reached before Warden took the phase over: the request goes on as the client made it.
      Hooks.suppressed(e);
      return false;
    }
  }

  private boolean create(HttpContext<?> ctx) {
    Gateway gateway = HookSupport.gateway();
    RequestOptions options = ctx.requestOptions();
    if (gateway == null || options == null || options.getHost() == null) {
      return false;
    }
    Boolean ssl = options.isSsl();
    String scheme = (ssl != null ? ssl : defaultSsl) ? "https" : "http";
    String host = options.getHost();
    Integer explicitPort = options.getPort();
    int port =
        explicitPort != null && explicitPort > 0 ? explicitPort : SiteUrl.defaultPort(scheme);
    boolean afterSiteHop = ctx.get(CHAIN) != null;
    HopRoute route = gateway.route(scheme, host, port, afterSiteHop);
    if (route != HopRoute.SITE) {
      // A request sent to a server address of its own (WebClient's request(method, SocketAddress,
      // ...), a virtual host) connects there, whatever its Host field says.
      SocketAddress server = server(options);
      if (server != null
          && gateway.route(scheme, server.host(), server.port(), afterSiteHop) == HopRoute.SITE) {
        host = server.host();
        port = server.port();
      } else {
        MultiMap headers = options.getHeaders();
        if (headers != null) {
          route.applyTo(headers::remove, headers::add);
        }
        return false;
      }
    }
    ctx.set(CHAIN, Boolean.TRUE);
    Callsite callsite = ctx.get(CALLSITE);
    if (callsite == null) {
      callsite = gateway.capture();
      ctx.set(CALLSITE, callsite);
    }
    URI uri;
    try {
      uri = VertxCall.uri(scheme, host, port, options.getURI());
    } catch (IllegalArgumentException e) {
      // Fails closed: a request to a Jira site Warden cannot read is not sent.
      ctx.fail(
          new IOException(
              "warden: cannot read the URI of a request to a Jira site; it was not sent"));
      return true;
    }
    VertxCall hop = new VertxCall(ctx, options, uri);
    ctx.set(HOP, hop);
    hop.start(gateway, callsite);
    return true;
  }

  /** The internet address the request connects to when it names one, else {@code null}. */
  private static SocketAddress server(RequestOptions options) {
    if (GET_SERVER == null) {
      return null;
    }
    try {
      return GET_SERVER.invoke(options) instanceof SocketAddress address
              && address.isInetSocket()
              && address.host() != null
          ? address
          : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Method serverAccessor() {
    try {
      return RequestOptions.class.getMethod("getServer");
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
