package dev.warden.agent.hook.vertx.v4_0;

import dev.warden.agent.bootstrap.Hooks;
import java.util.function.BiConsumer;
import net.bytebuddy.asm.Advice;

/**
 * On exit from {@code WebClientBase}'s constructors and from its {@code addInterceptor}: Warden's
 * interceptor is in the client's chain, and last. Reads the two fields every version has ({@code
 * interceptors}, {@code options}) and hands them to {@link WardenInterceptors}.
 */
public final class WebClientAdvice {

  private WebClientAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  @SuppressWarnings("unchecked")
  public static void exit(
      @Advice.Origin Class<?> type,
      @Advice.FieldValue("interceptors") Object interceptors,
      @Advice.FieldValue("options") Object options) {
    Object adapter =
        Hooks.adapters.adapter(
            "dev.warden.agent.hook.vertx.v4_0.WardenInterceptors", type.getClassLoader());
    if (adapter != null && interceptors != null) {
      ((BiConsumer<Object, Object>) adapter).accept(interceptors, options);
    }
  }
}
