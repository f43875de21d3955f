package dev.warden.agent.hook.ahc.v3_0;

import dev.warden.agent.bootstrap.Hooks;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import net.bytebuddy.asm.Advice;

/** The advice of {@link AhcInstrumentation}: thin glue to {@link AhcHooks}' adapters. */
public final class AhcAdvice {

  private AhcAdvice() {}

  static final String PACKAGE = "dev.warden.agent.hook.ahc.v3_0.";

  /** {@code DefaultAsyncHttpClient.executeRequest(Request, AsyncHandler)}. */
  public static final class Execute {

    private Execute() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object client, @Advice.Argument(0) Object request) {
      Object begin =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.ahc.v3_0.AhcHooks$Begin", client.getClass().getClassLoader());
      return begin == null ? null : ((Function<Object, Object>) begin).apply(request);
    }

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(
        @Advice.This Object client,
        @Advice.Enter Object origin,
        @Advice.Return Object future,
        @Advice.Thrown Throwable thrown) {
      if (origin != null) {
        Object attach =
            Hooks.adapters.adapter(
                "dev.warden.agent.hook.ahc.v3_0.AhcHooks$Attach",
                client.getClass().getClassLoader());
        if (attach != null) {
          ((BiConsumer<Object, Object>) attach).accept(origin, thrown != null ? thrown : future);
        }
      }
    }
  }

  /** {@code NettyResponseFuture}'s constructor: the call being made on this thread owns it. */
  public static final class FutureMade {

    private FutureMade() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object future) {
      Object made =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.ahc.v3_0.AhcHooks$FutureMade",
              future.getClass().getClassLoader());
      if (made != null) {
        ((Consumer<Object>) made).accept(future);
      }
    }
  }

  /**
   * {@code NettyResponseFuture.abort(Throwable)}: the call fails (a refused connection, a TLS
   * failure), before the application can see it.
   */
  public static final class Abort {

    private Abort() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object future, @Advice.Argument(0) Object error) {
      Object abort =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.ahc.v3_0.AhcHooks$Abort", future.getClass().getClassLoader());
      if (abort != null) {
        ((BiConsumer<Object, Object>) abort).accept(future, error);
      }
    }
  }

  /** {@code NettyRequestSender.writeRequest(future, channel)}: a hop is written. */
  public static final class Write {

    private Write() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
        @Advice.This Object sender,
        @Advice.Argument(0) Object future,
        @Advice.Argument(1) Object channel) {
      Object write =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.ahc.v3_0.AhcHooks$Write", sender.getClass().getClassLoader());
      if (write != null) {
        ((BiConsumer<Object, Object>) write).accept(future, channel);
      }
    }
  }

  /** {@code ChannelManager.createSslHandler(host, port, http2)}: no HTTP/2 offered to a site. */
  public static final class Tls {

    private Tls() {}

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
        @Advice.This Object manager,
        @Advice.Argument(0) String host,
        @Advice.Argument(1) int port,
        @Advice.Argument(value = 2, readOnly = false) boolean http2) {
      if (http2) {
        Object site =
            Hooks.adapters.adapter(
                "dev.warden.agent.hook.ahc.v3_0.AhcHooks$Site",
                manager.getClass().getClassLoader());
        if (site != null && ((BiPredicate<Object, Object>) site).test(host, port)) {
          http2 = false;
        }
      }
    }
  }
}
