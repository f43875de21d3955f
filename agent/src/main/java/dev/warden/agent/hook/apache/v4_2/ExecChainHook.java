package dev.warden.agent.hook.apache.v4_2;

import dev.warden.agent.bootstrap.MethodHook;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.HeaderEdits;
import dev.warden.agent.pipeline.HopRoute;
import dev.warden.policy.SiteUrl;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.execchain.ClientExecChain;
import org.apache.http.message.BasicHttpResponse;

/**
 * The exec chain of HttpClient 4.3 and newer, at {@code MainClientExec} (or {@code
 * MinimalClientExec}): one hop, before its connection is opened. {@code RedirectExec} above follows
 * redirects, so every hop comes here; the request is the client's own copy, so Warden's credential
 * set on it is never visible in the application's request object.
 */
public final class ExecChainHook implements MethodHook {

  /** Marks a context whose call reached a Jira site, so its later hops are watched. */
  static final String CHAIN = "dev.warden.chain";

  @Override
  public Object enter(Object exec, Object[] arguments) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null || Bypass.active()) {
      return null;
    }
    HttpRoute route = (HttpRoute) arguments[0];
    HttpRequestWrapper request = (HttpRequestWrapper) arguments[1];
    HttpClientContext context = (HttpClientContext) arguments[2];
    HttpExecutionAware aware = (HttpExecutionAware) arguments[3];
    URI uri = absolute(route.getTargetHost(), request.getURI());
    HopRoute hop = gateway.route(uri, context.getAttribute(CHAIN) != null);
    if (!hop.applyTo(request::removeHeaders, request::addHeader)) {
      return null;
    }
    context.setAttribute(CHAIN, Boolean.TRUE);
    ApacheCall call =
        new ApacheCall(
            request,
            uri,
            (outgoing, readBack) -> send(exec, route, request, context, aware, outgoing, readBack),
            Closeable::new,
            RedirectPolicy.NONE,
            route.getProxyHost() != null);
    return Calls.await(gateway, call);
  }

  private static CloseableHttpResponse send(
      Object exec,
      HttpRoute route,
      HttpRequestWrapper request,
      HttpClientContext context,
      HttpExecutionAware aware,
      WardenRequest outgoing,
      HeaderEdits readBack)
      throws IOException, HttpException {
    request.setHeaders(ApacheCall.fields(outgoing.headers()));
    URI target = ApacheCall.relative(outgoing.uri());
    if (!target.equals(ApacheCall.relative(request.getURI()))) {
      request.setURI(target);
    }
    try (Bypass.Scope bypass = Bypass.open()) {
      return ((ClientExecChain) exec).execute(route, request, context, aware);
    } finally {
      // Sent: what the application can reach of it shows its own Authorization again.
      ApacheCall.scrub(context, readBack, request);
    }
  }

  public static URI absolute(HttpHost host, URI uri) {
    if (uri.isAbsolute()) {
      return uri;
    }
    int port = SiteUrl.effectivePort(host.getSchemeName(), host.getPort());
    return URI.create(
        host.getSchemeName().toLowerCase(Locale.ROOT)
            + "://"
            + host.getHostName()
            + ":"
            + port
            + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  /** Warden's answer as the {@code CloseableHttpResponse} the exec chain returns. */
  static final class Closeable extends BasicHttpResponse implements CloseableHttpResponse {
    Closeable(BasicHttpResponse response) {
      super(response.getStatusLine());
      setHeaders(response.getAllHeaders());
      setEntity(response.getEntity());
    }

    @Override
    public void close() {}
  }
}
