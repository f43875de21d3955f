package dev.warden.agent.hook.apache.v4_2;

import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.MethodHook;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.HeaderEdits;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.client.HttpClient;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.message.BasicHttpEntityEnclosingRequest;
import org.apache.http.message.BasicHttpRequest;
import org.apache.http.params.BasicHttpParams;
import org.apache.http.params.DefaultedHttpParams;
import org.apache.http.params.HttpParams;
import org.apache.http.protocol.HttpContext;

/**
 * {@code AbstractHttpClient} ({@code DefaultHttpClient} and friends: all of 4.2, and the deprecated
 * clients of 4.3 to 4.5), whose request director would follow redirects inside, carrying Warden's
 * credential: a whole call, before its connection is opened. Warden sends its own copy of the
 * request through the same client with redirects off for that copy, and follows redirects itself,
 * hop by hop, as {@code DefaultRedirectStrategy} does. The application's request object is never
 * changed.
 */
public final class LegacyClientHook implements MethodHook {

  /**
   * Whether this HttpClient is 4.3 or newer, where {@code doExecute} returns a {@code
   * CloseableHttpResponse}.
   */
  private static final boolean CLOSEABLE =
      exists("org.apache.http.client.methods.CloseableHttpResponse");

  /**
   * What {@code DefaultRedirectStrategy} follows: 301, 302 and 307 for GET and HEAD, 303 for
   * everything, as a GET.
   */
  static final RedirectPolicy DEFAULT_REDIRECTS =
      new RedirectPolicy(
          Set.of(301, 302, 303, 307), Set.of(301, 302, 307), 100, true, true, Set.of(303));

  @Override
  public Object enter(Object client, Object[] arguments) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null || Bypass.active()) {
      return null;
    }
    HttpHost target = (HttpHost) arguments[0];
    HttpRequest request = (HttpRequest) arguments[1];
    HttpContext context = (HttpContext) arguments[2];
    URI uri = uri(target, request);
    if (uri == null || !gateway.isSiteOrigin(uri)) {
      return null;
    }
    boolean follows =
        request.getParams().getBooleanParameter("http.protocol.handle-redirects", true);
    ApacheCall call =
        new ApacheCall(
            request,
            uri,
            (outgoing, readBack) -> send((HttpClient) client, request, context, outgoing, readBack),
            response -> CLOSEABLE ? new ExecChainHook.Closeable(response) : response,
            follows ? DEFAULT_REDIRECTS : RedirectPolicy.NONE,
            proxied((HttpClient) client, target, request, context));
    return Calls.await(gateway, call);
  }

  /**
   * Whether the client's route to the target goes through a proxy: its route planner says
   * (HttpClient 4.2's {@code SystemDefaultHttpClient} asks the JDK's proxy selector), or a default
   * proxy parameter does; a planner that fails counts as a proxy.
   */
  private static boolean proxied(
      HttpClient client, HttpHost target, HttpRequest request, HttpContext context) {
    String key = "http.route.default-proxy";
    if (request.getParams().getParameter(key) != null
        || client.getParams().getParameter(key) != null) {
      return true;
    }
    if (client instanceof org.apache.http.impl.client.AbstractHttpClient abstractClient) {
      try {
        return abstractClient
                .getRoutePlanner()
                .determineRoute(target, request, context)
                .getProxyHost()
            != null;
      } catch (org.apache.http.HttpException | RuntimeException e) {
        return true;
      }
    }
    return false;
  }

  private static boolean exists(String name) {
    try {
      Class.forName(name, false, LegacyClientHook.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static URI uri(HttpHost target, HttpRequest request) {
    URI uri =
        request instanceof HttpUriRequest uriRequest
            ? uriRequest.getURI()
            : URI.create(request.getRequestLine().getUri());
    if (uri.isAbsolute()) {
      return uri;
    }
    return target == null ? null : ExecChainHook.absolute(target, uri);
  }

  private static HttpResponse send(
      HttpClient client,
      HttpRequest original,
      HttpContext context,
      WardenRequest outgoing,
      HeaderEdits readBack)
      throws IOException, HttpException {
    URI uri = outgoing.uri();
    HttpHost host =
        new HttpHost(
            dev.warden.policy.SiteUrl.hostOf(uri),
            dev.warden.policy.SiteUrl.portOf(uri),
            uri.getScheme());
    String line = ApacheCall.relative(uri).toString();
    HttpRequest copy;
    if (outgoing.body() != Body.NONE && original instanceof HttpEntityEnclosingRequest enclosing) {
      BasicHttpEntityEnclosingRequest withBody =
          new BasicHttpEntityEnclosingRequest(outgoing.method(), line);
      withBody.setEntity(enclosing.getEntity());
      copy = withBody;
    } else {
      copy = new BasicHttpRequest(outgoing.method(), line);
    }
    copy.setHeaders(ApacheCall.fields(outgoing.headers()));
    HttpParams params = new BasicHttpParams();
    params.setBooleanParameter("http.protocol.handle-redirects", false);
    copy.setParams(new DefaultedHttpParams(params, original.getParams()));
    try (Bypass.Scope bypass = Bypass.open()) {
      return client.execute(host, copy, context);
    } finally {
      // Sent: the context's request (the client's wrapper of Warden's copy) shows what the
      // application may read.
      // (The wrapper's getOriginal() is Warden's copy: it is scrubbed too.)
      ApacheCall.scrub(context, readBack, copy);
    }
  }
}
