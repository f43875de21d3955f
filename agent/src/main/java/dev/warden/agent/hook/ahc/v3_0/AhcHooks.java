package dev.warden.agent.hook.ahc.v3_0;

import dev.warden.agent.hook.CallOrigin;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.hook.WeakIdentityMap;
import dev.warden.agent.hook.netty.v4_1.ChannelGate;
import dev.warden.agent.hook.netty.v4_1.NettyHeaders;
import dev.warden.agent.hook.netty.v4_1.NettyUris;
import dev.warden.agent.pipeline.Gateway;
import io.netty.channel.Channel;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import org.asynchttpclient.ListenableFuture;
import org.asynchttpclient.Request;

/** The adapters of {@link AhcInstrumentation}. */
public final class AhcHooks {

  private AhcHooks() {}

  /** The call being made on this thread, while {@code executeRequest} runs. */
  private static final ThreadLocal<CallOrigin> MAKING = new ThreadLocal<>();

  /** The origin of each call to a site, by its {@code NettyResponseFuture} (identity, weakly). */
  private static final WeakIdentityMap<CallOrigin> BY_FUTURE = new WeakIdentityMap<>();

  /** A request the application makes, before any connect: its origin when bound for a site. */
  public static final class Begin implements Function<Object, Object> {

    @Override
    public Object apply(Object made) {
      if (!(made instanceof Request request)) {
        return null;
      }
      org.asynchttpclient.uri.Uri target = request.getUri();
      if (target == null) {
        return null;
      }
      CallOrigin origin =
          CallOrigin.begin(
              request.getMethod(),
              target.getScheme(),
              target.getHost(),
              target.getExplicitPort(),
              () -> NettyUris.parse(request.getUrl()),
              () -> NettyHeaders.of(request.getHeaders()));
      if (origin != null) {
        MAKING.set(origin);
      }
      return origin;
    }
  }

  /** The call's future, as {@code executeRequest} returns it (or its failure). */
  public static final class Attach implements BiConsumer<Object, Object> {

    @Override
    public void accept(Object call, Object outcome) {
      MAKING.remove();
      CallOrigin origin = (CallOrigin) call;
      if (outcome instanceof Throwable thrown) {
        origin.failed(thrown);
        return;
      }
      if (!(outcome instanceof ListenableFuture<?> future)) {
        origin.connected();
        return;
      }
      future.addListener(
          () -> {
            BY_FUTURE.remove(future);
            try {
              future.get();
              origin.connected();
            } catch (ExecutionException e) {
              origin.failed(e.getCause() != null ? e.getCause() : e);
            } catch (Exception | Error e) {
              origin.failed(e);
            }
          },
          Runnable::run);
    }
  }

  /**
   * A call's future is aborted: a call that failed before any hop reached the gate is audited now,
   * before the application sees the failure (a listener would run after it may have exited).
   */
  public static final class Abort implements BiConsumer<Object, Object> {

    @Override
    public void accept(Object future, Object error) {
      CallOrigin origin = BY_FUTURE.get(future);
      if (origin != null && error instanceof Throwable thrown) {
        origin.failed(thrown);
      }
    }
  }

  /** A {@code NettyResponseFuture} made: the call made on this thread owns it. */
  public static final class FutureMade implements Consumer<Object> {

    @Override
    public void accept(Object future) {
      CallOrigin origin = MAKING.get();
      if (origin != null) {
        BY_FUTURE.put(future, origin);
      }
    }
  }

  /** A hop of a call is written on {@code channel}: its origin goes there first. */
  public static final class Write implements BiConsumer<Object, Object> {

    @Override
    public void accept(Object future, Object channel) {
      CallOrigin origin = BY_FUTURE.get(future);
      if (origin != null && channel instanceof Channel open) {
        origin.connected();
        ChannelGate.handOver(open, origin);
      }
    }
  }

  /** Whether a TLS connection to {@code host}:{@code port} is to a site's origin. */
  public static final class Site implements BiPredicate<Object, Object> {

    @Override
    public boolean test(Object host, Object port) {
      Gateway gateway = HookSupport.gateway();
      return gateway != null
          && host instanceof String name
          && port instanceof Integer number
          && gateway.isSiteOrigin("https", name, number);
    }
  }
}
