package dev.warden.agent.hook.jdk.urlconnection;

import dev.warden.agent.hook.HookCall;
import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;

/**
 * {@code HttpURLConnection} and {@code HttpsURLConnection}: the JDK's {@code http} and {@code
 * https} URL handlers open every such connection, which is where the hook sits. Each opened
 * connection is offered to Warden ({@link dev.warden.agent.bootstrap.Hooks#opened}); for a Jira
 * site the application gets Warden's connection, in front of the JDK's.
 */
public final class UrlConnectionInstrumentation implements HookInstrumentation {

  private static final String OPEN_CONNECTION =
      "(Ljava/net/URL;Ljava/net/Proxy;)Ljava/net/URLConnection;";

  @Override
  public String name() {
    return "http-url-connection";
  }

  @Override
  public List<HookCall> calls() {
    return List.of(
        new HookCall(
            "sun/net/www/protocol/http/Handler",
            "openConnection",
            OPEN_CONNECTION,
            HookCall.Kind.EXIT_REPLACE_RESULT,
            HOOKS,
            "opened"),
        new HookCall(
            "sun/net/www/protocol/https/Handler",
            "openConnection",
            OPEN_CONNECTION,
            HookCall.Kind.EXIT_REPLACE_RESULT,
            HOOKS,
            "opened"));
  }
}
