package dev.warden.agent.hook.jetty.v12;

import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.client.transport.HttpResponse;

/**
 * The response the application's listeners are given: Jira's (status, header fields, trailers,
 * copied from the response to Warden's copy) or Warden's answer, as a response to the application's
 * own request. So {@code getRequest()} is the request the application holds, never Warden's copy
 * with the site's credential. {@code abort} reaches Warden's copy through the application's request
 * ({@link AbortHook}); 12.1's {@code fail}, which would look for an exchange of the application's
 * request, is sent there too.
 */
final class AppResponse extends HttpResponse {

  private final JettyCall call;

  AppResponse(HttpRequest request, JettyCall call) {
    super(request);
    this.call = call;
  }

  /** Overrides {@code Response.fail} on Jetty 12.1 (12.0 has no such method). */
  public CompletableFuture<Boolean> fail(Throwable cause) {
    return call.abort(cause);
  }
}
