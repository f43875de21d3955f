package dev.warden.agent.hook.resteasy.reactive.v3;

import dev.warden.agent.bootstrap.Hooks;
import java.net.URI;
import java.util.function.BiConsumer;
import java.util.function.Function;
import net.bytebuddy.asm.Advice;

/** The advice of {@link RestEasyReactiveInstrumentation}: glue to {@link RestEasyReactiveHooks}. */
public final class RestEasyReactiveAdvice {

  private RestEasyReactiveAdvice() {}

  /** {@code RestClientRequestContext}'s constructor: a call is issued on this thread. */
  public static final class Issued {

    private Issued() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object context, @Advice.Argument(3) URI uri) {
      Object issued =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.resteasy.reactive.v3.RestEasyReactiveHooks$Issued",
              context.getClass().getClassLoader());
      if (issued != null) {
        ((BiConsumer<Object, Object>) issued).accept(context, uri);
      }
    }
  }

  /** {@code ClientSendRequestHandler.handle(context)}: the Vert.x request is made in here. */
  public static final class Send {

    private Send() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object handler, @Advice.Argument(0) Object context) {
      Object enter =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.resteasy.reactive.v3.RestEasyReactiveHooks$Enter",
              handler.getClass().getClassLoader());
      return enter == null ? null : ((Function<Object, Object>) enter).apply(context);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object restore) {
      if (restore instanceof Runnable undo) {
        undo.run();
      }
    }
  }
}
