package dev.warden.agent.hook.netty.v4_1;

import dev.warden.agent.bootstrap.Hooks;
import java.util.function.BiConsumer;
import net.bytebuddy.asm.Advice;

/** The advice of {@link NettyInstrumentation}: hands a codec just added to {@link CodecHook}. */
public final class NettyAdvice {

  private NettyAdvice() {}

  /** On exit of {@code CombinedChannelDuplexHandler.handlerAdded(ctx)}. */
  public static final class CodecAdded {

    private CodecAdded() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object handler, @Advice.Argument(0) Object context) {
      if (!handler.getClass().getName().startsWith("io.netty.handler.codec.http.")
          && !handler.getClass().getName().contains("HttpClientCodec")) {
        // Not an HTTP codec, nor a class of a client's own that extends one: nothing to gate.
        return;
      }
      Object hook =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.netty.v4_1.CodecHook", handler.getClass().getClassLoader());
      if (hook != null) {
        ((BiConsumer<Object, Object>) hook).accept(handler, context);
      }
    }
  }
}
