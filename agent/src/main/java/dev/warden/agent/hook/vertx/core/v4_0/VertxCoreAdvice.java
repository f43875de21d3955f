package dev.warden.agent.hook.vertx.core.v4_0;

import dev.warden.agent.bootstrap.Hooks;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The advice of {@link VertxCoreInstrumentation}: on entry, {@link Begin} makes the call's origin
 * (before any connect) and, where Vert.x 4 takes a promise, {@link Relay} puts one of Warden's in
 * its place; on exit, {@link Attach} follows the call's future. Thin glue through types every class
 * loader sees.
 */
public final class VertxCoreAdvice {

  private VertxCoreAdvice() {}

  static final String BEGIN = "dev.warden.agent.hook.vertx.core.v4_0.Begin";
  static final String ATTACH = "dev.warden.agent.hook.vertx.core.v4_0.Attach";
  static final String RELAY = "dev.warden.agent.hook.vertx.core.v4_0.Relay";

  /** 4.0's {@code request(RequestOptions, PromiseInternal)}, 4.5's {@code doRequest}. */
  public static final class WithPromise {

    private WithPromise() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(
        @Advice.This Object client,
        @Advice.FieldValue("options") Object clientOptions,
        @Advice.Argument(0) Object options,
        @Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object promise) {
      Object begin = Hooks.adapters.adapter(BEGIN, client.getClass().getClassLoader());
      if (begin == null) {
        return null;
      }
      Object origin = ((BiFunction<Object, Object, Object>) begin).apply(clientOptions, options);
      if (origin != null) {
        Object relay = Hooks.adapters.adapter(RELAY, client.getClass().getClassLoader());
        if (relay != null) {
          promise = ((BiFunction<Object, Object, Object>) relay).apply(origin, promise);
        }
      }
      return origin;
    }

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(
        @Advice.This Object client,
        @Advice.Enter Object origin,
        @Advice.Argument(1) Object promise,
        @Advice.Thrown Throwable thrown) {
      if (origin != null) {
        Object attach = Hooks.adapters.adapter(ATTACH, client.getClass().getClassLoader());
        if (attach != null) {
          ((BiConsumer<Object, Object>) attach).accept(origin, thrown != null ? thrown : promise);
        }
      }
    }
  }

  /** 4.0's {@code request(HttpMethod, int port, String host, String uri, PromiseInternal)}. */
  public static final class HostPortWithPromise {

    private HostPortWithPromise() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(
        @Advice.This Object client,
        @Advice.FieldValue("options") Object clientOptions,
        @Advice.Argument(0) Object method,
        @Advice.Argument(1) int port,
        @Advice.Argument(2) Object host,
        @Advice.Argument(3) Object uri,
        @Advice.Argument(value = 4, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object promise) {
      Object begin = Hooks.adapters.adapter(BEGIN, client.getClass().getClassLoader());
      if (begin == null) {
        return null;
      }
      Object origin =
          ((BiFunction<Object, Object, Object>) begin)
              .apply(clientOptions, new Object[] {method, port, host, uri});
      if (origin != null) {
        Object relay = Hooks.adapters.adapter(RELAY, client.getClass().getClassLoader());
        if (relay != null) {
          promise = ((BiFunction<Object, Object, Object>) relay).apply(origin, promise);
        }
      }
      return origin;
    }

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(
        @Advice.This Object client,
        @Advice.Enter Object origin,
        @Advice.Argument(4) Object promise,
        @Advice.Thrown Throwable thrown) {
      if (origin != null) {
        Object attach = Hooks.adapters.adapter(ATTACH, client.getClass().getClassLoader());
        if (attach != null) {
          ((BiConsumer<Object, Object>) attach).accept(origin, thrown != null ? thrown : promise);
        }
      }
    }
  }

  /** 5.0's {@code request(RequestOptions)}, returning the call's {@code Future}. */
  public static final class ReturningFuture {

    private ReturningFuture() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(
        @Advice.This Object client,
        @Advice.FieldValue("options") Object clientOptions,
        @Advice.Argument(0) Object options) {
      Object begin = Hooks.adapters.adapter(BEGIN, client.getClass().getClassLoader());
      return begin == null
          ? null
          : ((BiFunction<Object, Object, Object>) begin).apply(clientOptions, options);
    }

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(
        @Advice.This Object client,
        @Advice.Enter Object origin,
        @Advice.Return Object future,
        @Advice.Thrown Throwable thrown) {
      if (origin != null) {
        Object attach = Hooks.adapters.adapter(ATTACH, client.getClass().getClassLoader());
        if (attach != null) {
          ((BiConsumer<Object, Object>) attach).accept(origin, thrown != null ? thrown : future);
        }
      }
    }
  }

  /** {@code HttpClientRequestImpl.handleNextRequest(next, ...)}: a redirect's next hop. */
  public static final class NextHop {

    private NextHop() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object previous, @Advice.Argument(0) Object next) {
      Object hook =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.vertx.core.v4_0.NextHop",
              previous.getClass().getClassLoader());
      if (hook != null) {
        ((BiConsumer<Object, Object>) hook).accept(previous, next);
      }
    }
  }
}
