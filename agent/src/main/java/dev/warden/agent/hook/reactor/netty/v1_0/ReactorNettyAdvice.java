package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.bootstrap.Hooks;
import java.util.function.BiFunction;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The advice of {@link ReactorNettyInstrumentation}: thin glue that hands the returned publisher to
 * an adapter ({@link ConnectHook}, {@link RequestHook}) and returns what it answers. The adapters
 * are {@link BiFunction}s, a type every class loader sees.
 */
public final class ReactorNettyAdvice {

  private ReactorNettyAdvice() {}

  /**
   * On exit of {@code HttpClientConnect.connect()}: the call's {@code Mono}, wrapped for a site.
   */
  public static final class Connect {

    private Connect() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.This Object client,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object connection) {
      Object hook =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.reactor.netty.v1_0.ConnectHook",
              client.getClass().getClassLoader());
      if (hook != null) {
        connection = ((BiFunction<Object, Object, Object>) hook).apply(client, connection);
      }
    }
  }

  /**
   * On exit of {@code HttpClientHandler.requestWithBody(ops)}, when the hop's request line and
   * headers are set and nothing is written yet: Warden's gate for a hop to a site. WebSocket
   * upgrades are left alone.
   */
  public static final class Request {

    private Request() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.Argument(0) Object operations,
        @Advice.FieldValue("websocketClientSpec") Object websocket,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object sending) {
      if (websocket != null || operations == null) {
        return;
      }
      Object hook =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.reactor.netty.v1_0.RequestHook",
              operations.getClass().getClassLoader());
      if (hook != null) {
        sending = ((BiFunction<Object, Object, Object>) hook).apply(operations, sending);
      }
    }
  }
}
