package dev.warden.agent.hook.jetty.v12;

import dev.warden.agent.bootstrap.MethodHook;
import dev.warden.agent.pipeline.HeaderEdits;
import dev.warden.agent.pipeline.RequestCredentials;
import java.util.List;
import org.eclipse.jetty.client.transport.HttpRequest;

/**
 * Runs after Jetty normalized a request, just before writing it. For a copy Warden sends with a
 * credential (its conversation carries {@link WardenSent}), Jetty may have added the application's
 * own: a preemptive {@code Authorization} from the client's {@code AuthenticationStore} (the usual
 * way to authenticate with Jetty), and cookies from the client's cookie store, Jira's session among
 * them. The request's credential fields are set back to what Warden decided ({@link
 * RequestCredentials#reassert}). Every other request passes untouched.
 */
public final class NormalizeHook implements MethodHook {

  @Override
  public Object enter(Object connection, Object[] arguments) {
    if (!(arguments[0] instanceof HttpRequest request)
        || !(request.getConversation().getAttribute(WardenSent.KEY) instanceof WardenSent sent)) {
      return null;
    }
    List<String> cookies = RequestCredentials.cookies(request.getHeaders()::getValuesList);
    HeaderEdits edits = RequestCredentials.reassert(sent.decided(), cookies);
    request.headers(headers -> edits.applyTo(headers::remove, headers::add));
    return null;
  }
}
