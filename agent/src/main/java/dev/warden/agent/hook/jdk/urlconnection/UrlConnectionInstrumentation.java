package dev.warden.agent.hook.jdk.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.hook.HookInstrumentation;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code HttpURLConnection} and {@code HttpsURLConnection}: the JDK's {@code http} and {@code
 * https} URL handlers open every such connection, which is where the hook sits. For a Jira site the
 * application gets Warden's connection, in front of the JDK's.
 */
public final class UrlConnectionInstrumentation implements HookInstrumentation {

  @Override
  public String name() {
    return "http-url-connection";
  }

  @Override
  public List<String> typeNames() {
    return List.of("sun.net.www.protocol.http.Handler", "sun.net.www.protocol.https.Handler");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer.advice(
        named("openConnection").and(takesArguments(2)), OpenConnectionAdvice.class.getName());
  }

  /** Offers each opened connection to Warden, which may put its own in front. */
  public static final class OpenConnectionAdvice {

    private OpenConnectionAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.Argument(0) URL url,
        @Advice.Argument(1) Proxy proxy,
        @Advice.Return(readOnly = false) URLConnection connection) {
      if (connection != null) {
        connection = Hooks.urlConnection.opened(connection, url, proxy);
      }
    }
  }
}
