package dev.warden.agent.hook.jdk.httpclient;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code java.net.http.HttpClient}, Java 11 and newer: every {@code send} and {@code sendAsync} of
 * the JDK's implementation ends in its private four-argument {@code sendAsync}, which is where the
 * hook sits.
 */
public final class HttpClientInstrumentation implements HookInstrumentation {

  @Override
  public String name() {
    return "java-http-client";
  }

  @Override
  public List<String> typeNames() {
    return List.of("jdk.internal.net.http.HttpClientImpl");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer.advice(
        named("sendAsync").and(takesArguments(4)), SendAsyncAdvice.class.getName());
  }

  /**
   * Hands the call to Warden; when Warden takes it, the client's own method is skipped and Warden's
   * future returned.
   */
  public static final class SendAsyncAdvice {

    private SendAsyncAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static CompletableFuture<?> enter(
        @Advice.This Object client,
        @Advice.Argument(0) Object request,
        @Advice.Argument(1) Object bodyHandler,
        @Advice.Argument(2) Object pushPromiseHandler,
        @Advice.Argument(3) Object executor) {
      return Hooks.javaNetHttp.sendAsync(
          client, request, bodyHandler, pushPromiseHandler, executor);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.Enter CompletableFuture<?> handled,
        @Advice.Return(readOnly = false) CompletableFuture<?> result) {
      if (handled != null) {
        result = handled;
      }
    }
  }
}
