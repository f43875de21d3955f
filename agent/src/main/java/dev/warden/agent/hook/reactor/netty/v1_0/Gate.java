package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.hook.UnsentCall;
import dev.warden.agent.hook.netty.v4_1.HeldRequest;
import dev.warden.agent.hook.netty.v4_1.HeldResponse;
import dev.warden.agent.hook.netty.v4_1.NettyHeaders;
import dev.warden.agent.log.Log;
import dev.warden.agent.pipeline.Answers;
import dev.warden.agent.pipeline.Gateway;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * Warden's gate in the channel of one hop to a site, between Reactor Netty's HTTP codec and its
 * reactive bridge. It holds what the client writes for the hop (the request head exactly as it
 * would go out, after the application's send function and redirect callbacks, and the body), hands
 * the request to the pipeline once the body is complete, and then either writes it on (with
 * Warden's header fields, as a copy: the client's own request object keeps the application's) or
 * drops it and reads Warden's answer into the channel, where Reactor Netty takes it for the
 * server's response: {@code status()}, {@code responseHeaders()} and {@code receive()} work as for
 * any response, whatever consumes it ({@code responseSingle}, a {@code WebClient}). The hop's
 * response head passing back through the gate ends the hop for the audit.
 *
 * <p>Everything here runs on the channel's event loop; the pipeline's send and answer, which may
 * come from another thread (after a throttle wait), are moved onto it. A body larger than {@value
 * Body#MAX_BYTES} bytes, or one written as a file, is not read: the hop is decided without it.
 */
final class Gate extends ChannelDuplexHandler {

  static final String NAME = "warden.gate";

  private static final String H3_CODEC = "reactor.left.h3ToHttp11Codec";

  private enum Phase {
    CAPTURING,
    DECIDING,
    SENT,
    /** A leader's response being read whole, held from the client. */
    READING,
    /** A leader's response read whole and held, until the pipeline says what the client gets. */
    READ,
    ANSWERED,
    CLOSED
  }

  private final Gateway gateway;
  private final CallState state;
  private final Connection connection;
  private final Object operations;
  private final URI uri;

  /** The hop's response head, or the client's failure to get one. */
  private final CompletableFuture<WardenResponse> response = new CompletableFuture<>();

  private ChannelHandlerContext ctx;
  private Phase phase = Phase.CAPTURING;
  private final HeldRequest request = new HeldRequest();
  private ChannelHandler placeholder;

  /** Whether it leads identical requests ({@code coalesce}): its response is read whole. */
  private volatile boolean leading;

  /** A leader's response as read so far, or {@code null}. */
  private HeldResponse held;

  /**
   * @param state the call's state, {@code null} for a call that was not seen at subscription
   * @param operations Reactor Netty's request object for the hop
   * @param uri the hop's URL
   */
  Gate(Gateway gateway, CallState state, Connection connection, Object operations, URI uri) {
    this.gateway = gateway;
    this.state = state;
    this.connection = connection;
    this.operations = operations;
    this.uri = uri;
  }

  /**
   * Puts the gate in the hop's channel. While the hop is held, a placeholder stands where Reactor
   * Netty puts its response timeout, so that the timeout starts when the request really goes out,
   * not while Warden waits (for a throttle token).
   */
  void install(ChannelPipeline pipeline) {
    String codec = codec(pipeline);
    if (codec != null && pipeline.get(NettyPipeline.ResponseTimeoutHandler) == null) {
      placeholder = new ChannelHandlerAdapter() {};
      pipeline.addBefore(codec, NettyPipeline.ResponseTimeoutHandler, placeholder);
    }
    pipeline.addBefore(NettyPipeline.ReactiveBridge, NAME, this);
    ctx = pipeline.context(this);
    connection.onTerminate().subscribe(null, error -> cleanUp(), this::cleanUp);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    switch (phase) {
      case SENT -> ctx.write(msg, promise);
      case ANSWERED -> {
        ReferenceCountUtil.release(msg);
        promise.trySuccess();
      }
      case CLOSED -> {
        ReferenceCountUtil.release(msg);
        promise.tryFailure(new ClosedChannelException());
      }
      case DECIDING -> request.hold(msg, promise);
      case CAPTURING -> capture(ctx, msg, promise);
      default -> throw new IllegalStateException(phase.name());
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (phase != Phase.CAPTURING && phase != Phase.DECIDING) {
      ctx.flush();
    }
  }

  /** Holds the request ({@link HeldRequest}); anything written before its head passes. */
  private void capture(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (request.head() == null && !(msg instanceof HttpRequest)) {
      ctx.write(msg, promise);
      return;
    }
    if (request.add(msg, promise)) {
      decide();
    }
  }

  /** The request is whole (or as whole as Warden reads it): the pipeline decides it. */
  private void decide() {
    phase = Phase.DECIDING;
    if (state != null) {
      state.gated(this);
    }
    HttpRequest head = request.head();
    try {
      WardenRequest decided =
          new WardenRequest(
              head.method().name(), uri, NettyHeaders.of(head.headers()), request.body());
      gateway.handle(new Hop(decided), state == null ? null : state.callsite);
    } catch (RuntimeException e) {
      Log.get()
          .error(
              "internal error before a Jira request was sent; answered 503 ("
                  + e.getClass().getName()
                  + ")");
      onLoop(() -> answer(Answers.internalError()));
    }
  }

  /**
   * Writes the held request on, with the pipeline's header fields (and request target, if it
   * changed).
   */
  private void release(WardenRequest outgoing) {
    if (phase != Phase.DECIDING) {
      return;
    }
    phase = Phase.SENT;
    removePlaceholder();
    HttpRequest head = request.head();
    String target = outgoing.uri().equals(uri) ? head.uri() : Uris.pathAndQuery(outgoing.uri());
    ChannelPromise written =
        request.release(
            ctx, NettyHeaders.copy(head, target, NettyHeaders.toNetty(outgoing.headers())));
    ctx.flush();
    // Reactor Netty looks for its response timeout once the client is done writing: at once, or
    // when the
    // held write completes. Where it found the placeholder, the timeout starts now.
    if (!written.isVoid()) {
      written.addListener(done -> onLoop(this::ensureResponseTimeout));
    } else {
      onLoop(this::ensureResponseTimeout);
    }
  }

  /**
   * Drops the held request and reads Warden's answer into the channel as the hop's response. The
   * client's write of the request succeeds first, so that it is done with the request before the
   * response ends the exchange; nothing reached the connection, which stays clean for reuse.
   */
  private void answer(Answer answer) {
    if (phase == Phase.READ) {
      // The leader of a flight: Jira's own response, of which the others have a copy.
      deliver();
      return;
    }
    if (phase != Phase.DECIDING) {
      return;
    }
    phase = Phase.ANSWERED;
    removePlaceholder();
    request.drop();
    settle();
    HeldRequest.answer(ctx, answer);
    removeSelf();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (phase == Phase.READING) {
      hold(msg);
      return;
    }
    if (phase == Phase.SENT && msg instanceof HttpResponse reply && !response.isDone()) {
      int status = reply.status().code();
      if (status >= 200 && leading) {
        // It leads identical requests: the response is read whole, to share.
        settle();
        held = new HeldResponse();
        phase = Phase.READING;
        hold(msg);
        return;
      }
      if (status >= 200 || status == 101) {
        settle();
        // The audit is recorded now, before the application sees the response.
        response.complete(
            new WardenResponse(status, NettyHeaders.of(reply.headers()), null, () -> {}));
        ctx.fireChannelRead(msg);
        removeSelf();
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * A part of a leader's response: held until the last, then the response goes to the pipeline with
   * its body; one too large to share goes on to the client as it is.
   */
  private void hold(Object msg) {
    switch (held.add(msg)) {
      case AS_IT_CAME -> {
        phase = Phase.SENT;
        response.complete(held.headOnly());
        deliver();
      }
      case WHOLE -> {
        phase = Phase.READ;
        response.complete(held.whole());
      }
      case MORE -> {}
    }
  }

  /** The client has the response it held as it came; the gate goes. */
  private void deliver() {
    HeldResponse parts = held;
    held = null;
    if (parts != null) {
      phase = Phase.SENT;
      parts.fire(ctx);
      removeSelf();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (phase == Phase.READ) {
      // A leader's response read whole reaches the client before the failure does.
      deliver();
    }
    ctx.fireExceptionCaught(cause);
    failed(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    // Reactor Netty reports the failure (a premature close) to the call as this passes; the call's
    // failure then ends the hop, and this one only if it did not. A leader's response read whole
    // reaches the client first (the codec ends one that runs to the close just before it).
    if (phase == Phase.READ) {
      deliver();
    }
    ctx.fireChannelInactive();
    failed(new IOException("warden: the connection closed before the response"));
  }

  /**
   * The hop failed as the client reports it (or the channel went away): its outcome for the audit.
   */
  void failed(Throwable error) {
    response.completeExceptionally(UnsentCall.transportError(error));
    onLoop(this::abandon);
  }

  /** Reactor Netty's request ended (its response was read, or it was disposed): the gate goes. */
  private void cleanUp() {
    onLoop(
        () -> {
          response.completeExceptionally(
              new IOException("warden: the request ended before it was sent"));
          abandon();
          removeSelf();
        });
  }

  private void abandon() {
    if (phase == Phase.CAPTURING || phase == Phase.DECIDING) {
      phase = Phase.CLOSED;
      request.abandon();
    }
    if (phase == Phase.READING || phase == Phase.READ) {
      phase = Phase.CLOSED;
      HeldResponse parts = held;
      held = null;
      if (parts != null) {
        parts.release();
      }
    }
    removePlaceholder();
    settle();
  }

  private void settle() {
    if (state != null) {
      state.settled(this);
    }
  }

  private void removeSelf() {
    try {
      if (ctx.pipeline().context(this) != null) {
        ctx.pipeline().remove(this);
      }
    } catch (NoSuchElementException e) {
      // already gone
    }
  }

  private void removePlaceholder() {
    ChannelHandler standIn = placeholder;
    placeholder = null;
    if (standIn != null) {
      try {
        if (ctx.pipeline().context(standIn) != null) {
          ctx.pipeline().remove(standIn);
        }
      } catch (NoSuchElementException e) {
        // already gone
      }
    }
  }

  /** The response timeout Reactor Netty skipped while the placeholder stood, from now on. */
  private void ensureResponseTimeout() {
    ChannelPipeline pipeline = ctx.pipeline();
    if (phase != Phase.SENT
        || response.isDone()
        || !ctx.channel().isActive()
        || pipeline.get(NettyPipeline.ResponseTimeoutHandler) != null) {
      return;
    }
    Duration timeout = Timeouts.of(operations, state == null ? null : state.responseTimeout);
    String codec = codec(pipeline);
    if (timeout == null || codec == null) {
      return;
    }
    ReadTimeoutHandler handler = new ReadTimeoutHandler(timeout.toMillis(), TimeUnit.MILLISECONDS);
    pipeline.addBefore(codec, NettyPipeline.ResponseTimeoutHandler, handler);
    if (connection.isPersistent()) {
      connection
          .onTerminate()
          .subscribe(
              null,
              null,
              () ->
                  onLoop(
                      () -> {
                        if (pipeline.context(handler) != null) {
                          pipeline.remove(handler);
                        }
                      }));
    }
  }

  private void onLoop(Runnable task) {
    try {
      ctx.executor().execute(task);
    } catch (RejectedExecutionException e) {
      // The event loop is shutting down, and the channel with it.
    }
  }

  private static String codec(ChannelPipeline pipeline) {
    if (pipeline.get(NettyPipeline.HttpCodec) != null) {
      return NettyPipeline.HttpCodec;
    }
    if (pipeline.get(NettyPipeline.H2ToHttp11Codec) != null) {
      return NettyPipeline.H2ToHttp11Codec;
    }
    return pipeline.get(H3_CODEC) != null ? H3_CODEC : null;
  }

  /** The hop as the pipeline sees it. */
  private final class Hop implements ClientCall<Void> {
    private final WardenRequest request;

    Hop(WardenRequest request) {
      this.request = request;
    }

    @Override
    public boolean forwardProxied(URI uri) {
      return state.proxied;
    }

    @Override
    public WardenRequest request() {
      return request;
    }

    @Override
    public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
      onLoop(() -> release(outgoing));
      return response;
    }

    @Override
    public CompletableFuture<Void> toNative(WardenResponse received, WardenRequest sent) {
      if (leading) {
        onLoop(
            () -> {
              if (phase == Phase.READ) {
                deliver();
              }
            });
      }
      return CompletableFuture.completedFuture(null);
    }

    /** A response read whole is held from the client, and made again from its bytes. */
    @Override
    public boolean sharesResponses() {
      return true;
    }

    @Override
    public void leadsOthers() {
      leading = true;
    }

    @Override
    public CompletableFuture<Void> answer(Answer answer) {
      onLoop(() -> Gate.this.answer(answer));
      return CompletableFuture.completedFuture(null);
    }

    /**
     * The request is gated inside its own connection: it is sent once (Jira's 429 still pauses its
     * scope).
     */
    @Override
    public boolean resendable() {
      return false;
    }
  }
}
