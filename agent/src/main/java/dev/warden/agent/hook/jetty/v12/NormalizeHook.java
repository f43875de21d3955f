package dev.warden.agent.hook.jetty.v12;

import dev.warden.agent.bootstrap.MethodHook;
import dev.warden.agent.pipeline.SiteRequests;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Runs after Jetty normalized a request, just before writing it. For a copy Warden sends with a
 * credential (its conversation carries {@link WardenSent}), Jetty may have added the application's
 * own: a preemptive {@code Authorization} from the client's {@code AuthenticationStore} (the usual
 * way to authenticate with Jetty), and cookies from the client's cookie store, Jira's session
 * among them. The {@code Authorization} is set back to Warden's alone; Jira's session cookies are
 * removed from any {@code Cookie} field Warden did not write, as the pipeline removes them from
 * the application's headers. Every other request passes untouched.
 */
public final class NormalizeHook implements MethodHook {

  @Override
  public Object enter(Object connection, Object[] arguments) {
    if (!(arguments[0] instanceof HttpRequest request)
        || !(request.getConversation().getAttribute(WardenSent.KEY) instanceof WardenSent sent)) {
      return null;
    }
    List<HttpField> cookies = new ArrayList<>(2);
    for (HttpField field : request.getHeaders()) {
      if ("Cookie".equalsIgnoreCase(field.getName())) {
        cookies.add(field);
      }
    }
    request.headers(headers -> {
      headers.remove(HttpHeader.AUTHORIZATION);
      for (String value : sent.authorization()) {
        headers.add(HttpHeader.AUTHORIZATION, value);
      }
      if (!cookies.isEmpty()) {
        headers.remove(HttpHeader.COOKIE);
        for (HttpField field : cookies) {
          String value = sent.cookies().contains(field.getValue()) ? field.getValue() : SiteRequests.withoutSessionCookies(field.getValue());
          if (!value.isEmpty()) {
            headers.add(HttpHeader.COOKIE, value);
          }
        }
      }
    });
    return null;
  }
}
