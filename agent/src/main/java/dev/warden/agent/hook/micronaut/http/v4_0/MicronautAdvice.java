package dev.warden.agent.hook.micronaut.http.v4_0;

import dev.warden.agent.bootstrap.Hooks;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** The advice of {@link MicronautInstrumentation}: thin glue to {@link MicronautHooks}. */
public final class MicronautAdvice {

  private MicronautAdvice() {}

  /** {@code sendRequestWithRedirectsNoFilter(context, scheduler, hint, request, read)}. */
  public static final class Send {

    private Send() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object client, @Advice.Argument(3) Object request) {
      Object begin =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.micronaut.http.v4_0.MicronautHooks$Begin",
              client.getClass().getClassLoader());
      return begin == null ? null : ((Function<Object, Object>) begin).apply(request);
    }

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.This Object client,
        @Advice.Enter Object origin,
        @Advice.Argument(3) Object request,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object flow) {
      if (origin != null) {
        Object follow =
            Hooks.adapters.adapter(
                "dev.warden.agent.hook.micronaut.http.v4_0.MicronautHooks$Follow",
                client.getClass().getClassLoader());
        if (follow != null) {
          flow =
              ((BiFunction<Object, Object, Object>) follow)
                  .apply(new Object[] {origin, request}, flow);
        }
      }
    }
  }

  /** {@code setRedirectHeaders(request, redirect, blocklist)}: the redirect continues the call. */
  public static final class Redirect {

    private Redirect() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object next) {
      if (request != null && next != null) {
        Object link =
            Hooks.adapters.adapter(
                "dev.warden.agent.hook.micronaut.http.v4_0.MicronautHooks$Redirect",
                next.getClass().getClassLoader());
        if (link != null) {
          ((BiConsumer<Object, Object>) link).accept(request, next);
        }
      }
    }
  }

  /** {@code sendRawRequest0(pool, request, ...)}: the request is about to be written. */
  public static final class Write {

    private Write() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object client, @Advice.Argument(1) Object request) {
      Object write =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.micronaut.http.v4_0.MicronautHooks$Write",
              client.getClass().getClassLoader());
      if (write != null) {
        ((Consumer<Object>) write).accept(request);
      }
    }
  }

  /** {@code ConnectionManager.configureSslHandler(sslHandler)}: no HTTP/2 offered to a site. */
  public static final class Tls {

    private Tls() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object manager, @Advice.Argument(0) Object handler) {
      Object tls =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.micronaut.http.v4_0.MicronautHooks$Tls",
              manager.getClass().getClassLoader());
      if (tls != null) {
        ((Consumer<Object>) tls).accept(handler);
      }
    }
  }
}
