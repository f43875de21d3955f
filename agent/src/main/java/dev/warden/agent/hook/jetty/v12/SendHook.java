package dev.warden.agent.hook.jetty.v12;

import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.MethodHook;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import java.net.URI;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpConversation;
import org.eclipse.jetty.client.transport.HttpRequest;

/**
 * Takes over {@code HttpRequest.send(listener)} for a request the application makes to a site's
 * origin. The method is skipped: the application's request is never sent, nor changed. Warden
 * decides it without blocking the calling thread, then sends its own copy of it (with Warden's
 * headers) through the same {@code HttpClient} and relays the response to the application's
 * listeners, as if its request had been sent; or it notifies them of its own answer, as Jetty
 * notifies a response it has buffered (see {@link JettyCall}).
 *
 * <p>Left alone: requests of Warden's own conversations (Jetty's authentication retry of Warden's
 * copy), and follow-ups Jetty makes of another request, such as a redirect of a call that was not
 * for a site (as with OkHttp's hook, only the calls the application makes are Warden's), and
 * subclasses of {@code HttpRequest} (a WebSocket upgrade), which a plain copy would break.
 */
public final class SendHook implements MethodHook {

  private static final Object TAKEN_OVER = Boolean.TRUE;

  @Override
  public Object enter(Object self, Object[] arguments) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null || Bypass.active() || self.getClass() != HttpRequest.class) {
      return null;
    }
    HttpRequest request = (HttpRequest) self;
    if (!gateway.isSiteOrigin(request.getScheme(), request.getHost(), request.getPort())) {
      return null;
    }
    HttpConversation conversation = request.getConversation();
    if (conversation.getAttribute(WardenSent.KEY) != null
        || !conversation.getExchanges().isEmpty()) {
      return null;
    }
    URI uri = request.getURI();
    if (uri == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || dev.warden.policy.SiteUrl.hostOf(uri) == null) {
      return null;
    }
    HttpClient client = (HttpClient) arguments[0];
    Response.CompleteListener listener = (Response.CompleteListener) arguments[1];
    Request.Content body = request.getBody();
    if (body == null || body.rewind()) {
      handle(gateway, new JettyCall(client, request, listener, uri, null), null);
      return TAKEN_OVER;
    }
    // A body written as it is sent: read it (as it comes, the caller found now, on the caller's
    // thread) before deciding.
    Callsite issued = gateway.capture();
    StreamedContent.collect(body, Body.MAX_BYTES)
        .whenComplete(
            (streamed, error) -> {
              JettyCall call = new JettyCall(client, request, listener, uri, streamed);
              if (error != null) {
                call.fail(error);
              } else {
                handle(gateway, call, issued);
              }
            });
    return TAKEN_OVER;
  }

  private static void handle(Gateway gateway, JettyCall call, Callsite issued) {
    gateway
        .handle(call, issued)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                call.fail(Gateway.cause(error));
              }
            });
  }
}
