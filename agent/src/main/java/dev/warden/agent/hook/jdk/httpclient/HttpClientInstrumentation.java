package dev.warden.agent.hook.jdk.httpclient;

import dev.warden.agent.hook.HookCall;
import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;

/**
 * {@code java.net.http.HttpClient}, Java 11 and newer: every {@code send} and {@code sendAsync} of
 * the JDK's implementation ends in its private four-argument {@code sendAsync}, which is where the
 * hook sits. It hands the call to Warden ({@link dev.warden.agent.bootstrap.Hooks#sendAsync}); when
 * Warden takes it, the client's own method is skipped and Warden's future returned.
 */
public final class HttpClientInstrumentation implements HookInstrumentation {

  private static final String TYPE = "jdk/internal/net/http/HttpClientImpl";

  @Override
  public String name() {
    return "java-http-client";
  }

  @Override
  public List<HookCall> calls() {
    return List.of(
        new HookCall(
            TYPE,
            "sendAsync",
            "(Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;"
                + "Ljava/net/http/HttpResponse$PushPromiseHandler;Ljava/util/concurrent/Executor;)"
                + "Ljava/util/concurrent/CompletableFuture;",
            HookCall.Kind.ENTER_RETURN_IF_SET,
            HOOKS,
            "sendAsync"));
  }
}
