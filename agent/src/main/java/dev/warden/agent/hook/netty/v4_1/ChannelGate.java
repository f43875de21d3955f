package dev.warden.agent.hook.netty.v4_1;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.hook.CallOrigin;
import dev.warden.agent.hook.UnsentCall;
import dev.warden.agent.log.Log;
import dev.warden.agent.pipeline.Answers;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.HopRoute;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Warden's gate in an HTTP/1.1 client channel of any Netty-based client, right after Netty's {@code
 * HttpClientCodec}: Vert.x core's {@code HttpClient} (and so the Quarkus REST client),
 * AsyncHttpClient, Micronaut's client. It sees each request as the client writes it, before it is
 * encoded, and each response head as it is decoded.
 *
 * <p>A request to a site's origin (the host and port the channel is connected to, never the {@code
 * Host} field the application may have set) is held, head and body, until the pipeline decides it.
 * Then either Warden's copy of it goes on (with the site's credential; the client's own request
 * object keeps the application's fields), or nothing is written and Warden's answer is read into
 * the channel, where the client takes it for the server's response. The connection stays clean for
 * reuse either way. A request that a redirect took from a site to another host goes without any
 * credential. Anything else passes untouched: a request on a channel to a host that is no site
 * costs one lookup of the channel's destination in the policy.
 *
 * <p>Where the call was made comes from the client's own hook, which puts the call's {@link
 * CallOrigin} in the channel ({@link #ORIGIN}) before its request is written: on the event loop no
 * application frame is left. Everything here runs on the channel's event loop; the pipeline's send
 * and answer, which may come from another thread (after a throttle wait), are moved onto it.
 * Requests pipelined behind one that awaits its response are not supported on a site's channel:
 * they fail, unsent.
 */
public final class ChannelGate extends ChannelDuplexHandler {

  /** The gate's name in the pipeline. */
  public static final String NAME = "warden.gate";

  /** The call whose request is written next on a channel, put there by the client's hook. */
  public static final AttributeKey<CallOrigin> ORIGIN = AttributeKey.valueOf("warden.origin");

  private final Gateway gateway;
  private ChannelHandlerContext ctx;

  /** The exchange whose request is being held, sent, or answered; {@code null} between them. */
  private Exchange current;

  ChannelGate(Gateway gateway) {
    this.gateway = gateway;
  }

  /** Hands the call whose request {@code channel} writes next to the gate there. */
  public static void handOver(io.netty.channel.Channel channel, CallOrigin origin) {
    if (channel == null || origin == null) {
      return;
    }
    if (channel.eventLoop().inEventLoop()
        && channel.pipeline().get(NAME) instanceof ChannelGate gate
        && gate.current != null
        && gate.current.origin == null
        && !gate.current.ended()) {
      // Too late: the call's request went out already, decided without it (a Vert.x 4 handler
      // that sends before Warden's listener runs). Left here, it would be the next request's.
      return;
    }
    channel.attr(ORIGIN).set(origin);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    Exchange exchange = current;
    if (msg instanceof HttpRequest head) {
      if (exchange != null && !exchange.ended()) {
        ReferenceCountUtil.release(msg);
        promise.tryFailure(
            new IOException("warden: a request pipelined on a Jira site's connection is not sent"));
        return;
      }
      start(ctx, head, promise);
      return;
    }
    if (exchange == null) {
      ctx.write(msg, promise);
      return;
    }
    switch (exchange.phase) {
      case CAPTURING -> exchange.capture(msg, promise);
      case DECIDING -> exchange.request.hold(msg, promise);
      case ANSWERED -> {
        // The rest of a request Warden answered: never written.
        swallowed(exchange, msg);
        promise.trySuccess();
      }
      case CLOSED -> {
        swallowed(exchange, msg);
        promise.tryFailure(new ClosedChannelException());
      }
      default -> ctx.write(msg, promise);
    }
  }

  /** A part of a request Warden did not send: released; its end frees the gate. */
  private void swallowed(Exchange exchange, Object msg) {
    boolean end = msg instanceof LastHttpContent;
    ReferenceCountUtil.release(msg);
    if (end && current == exchange) {
      current = null;
    }
  }

  private void start(ChannelHandlerContext ctx, HttpRequest head, ChannelPromise promise) {
    CallOrigin origin = ctx.channel().attr(ORIGIN).getAndSet(null);
    if (HttpMethod.CONNECT.equals(head.method())) {
      // A tunnel through a proxy: the call's origin waits for the request inside it.
      if (origin != null) {
        ctx.channel().attr(ORIGIN).set(origin);
      }
      current = null;
      ctx.write(head, promise);
      return;
    }
    if (origin != null && origin.isDecided()) {
      if (origin.decides(head.method().name(), head.uri())) {
        // Decided by the hook of the library above the client (Vert.x WebClient's).
        current = null;
        ctx.write(head, promise);
        return;
      }
      // Left by a request that was never written: this one is decided here.
      origin = null;
    }
    if (origin == null && !isAbsolute(head.uri()) && !toSite(ctx)) {
      // The common request, on a connection to a host that is no site (judged against the policy
      // now in force, so a site added by a reload is guarded on connections made before it).
      current = null;
      ctx.write(head, promise);
      return;
    }
    URI uri = target(ctx, head);
    if (uri != null && isAbsolute(head.uri())) {
      URI named = NettyUris.parse(head.uri());
      if (named == null || !sameOrigin(named, uri)) {
        if (named == null || gateway.isSiteOrigin(named) || origin != null) {
          // Absolute-form to a forward proxy, or a request line naming another host than the
          // connection's: a site's request never goes that way, nor its credential.
          refuse(head, promise, "a request to a Jira site through a forward proxy is not sent");
          return;
        }
        current = null;
        ctx.write(head, promise);
        return;
      }
    }
    if (uri == null) {
      current = null;
      if (origin != null) {
        // A call the client's hook saw bound for a site, whose request cannot be read: not sent.
        ReferenceCountUtil.release(head);
        promise.tryFailure(
            new IOException(
                "warden: a request to a Jira site whose target cannot be read is not sent"));
        return;
      }
      ctx.write(head, promise);
      return;
    }
    HopRoute route = gateway.route(uri, origin != null && origin.siteChain());
    if (route == HopRoute.UNTOUCHED && origin != null && !origin.siteChain()) {
      // The client's hook saw a call to a site, but its connection goes elsewhere (through a
      // proxy's tunnel, or to a server address of its own): fails closed.
      refuse(
          head,
          promise,
          "a request to a Jira site whose connection goes to another address (a proxy?) is not"
              + " sent");
      return;
    }
    if (route != HopRoute.SITE) {
      current = null;
      if (route.edits() != null) {
        HttpHeaders headers = new DefaultHttpHeaders().set(head.headers());
        route.applyTo(headers::remove, headers::add);
        HeldRequest.writeCopy(ctx, head, NettyHeaders.copy(head, head.uri(), headers), promise);
      } else {
        ctx.write(head, promise);
      }
      return;
    }
    int resends = 0;
    if (origin != null) {
      resends = origin.gated(head.method().name(), uri);
      origin.connected();
    }
    Exchange exchange = new Exchange(origin, uri, resends);
    current = exchange;
    exchange.capture(head, promise);
  }

  private void refuse(HttpRequest head, ChannelPromise promise, String why) {
    current = null;
    Log.get().warn(why);
    ReferenceCountUtil.release(head);
    IOException refused = new IOException("warden: " + why);
    promise.tryFailure(refused);
    // A client that waits for the response rather than for its write (Vert.x) learns it from the
    // connection, which carries nothing more.
    ChannelHandlerContext context = this.ctx;
    if (context != null) {
      context.fireExceptionCaught(refused);
      context.close();
    }
  }

  private static boolean isAbsolute(String target) {
    return target.regionMatches(true, 0, "http://", 0, 7)
        || target.regionMatches(true, 0, "https://", 0, 8);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && java.util.Objects.equals(
            dev.warden.policy.SiteUrl.canonicalHost(dev.warden.policy.SiteUrl.hostOf(a)),
            dev.warden.policy.SiteUrl.canonicalHost(dev.warden.policy.SiteUrl.hostOf(b)))
        && dev.warden.policy.SiteUrl.effectivePort(a) == dev.warden.policy.SiteUrl.effectivePort(b);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    // Taken out mid-exchange (the codec went): what it held is released, the client told.
    Exchange exchange = current;
    current = null;
    if (exchange != null
        && (exchange.phase == Phase.CAPTURING || exchange.phase == Phase.DECIDING)) {
      exchange.phase = Phase.CLOSED;
      exchange.request.abandon();
      exchange.response.completeExceptionally(
          new IOException("warden: the request's channel changed before it was sent"));
    }
    if (exchange != null && (exchange.phase == Phase.READING || exchange.phase == Phase.READ)) {
      exchange.phase = Phase.CLOSED;
      exchange.releaseHeld();
      exchange.response.completeExceptionally(
          new IOException("warden: the response's channel changed while it was read"));
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    Exchange exchange = current;
    if (exchange == null
        || (exchange.phase != Phase.CAPTURING && exchange.phase != Phase.DECIDING)) {
      ctx.flush();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Exchange exchange = current;
    if (exchange != null && exchange.phase == Phase.READING) {
      exchange.read(msg);
      return;
    }
    if (exchange != null
        && exchange.phase == Phase.SENT
        && msg instanceof HttpResponse reply
        && !exchange.response.isDone()) {
      int status = reply.status().code();
      if (status >= 200 && exchange.leading) {
        // It leads identical requests: the response is read whole, to share.
        exchange.read(msg);
        return;
      }
      if (status >= 200 || status == 101) {
        current = null;
        // The audit is recorded now, before the application sees the response.
        exchange.response.complete(
            new WardenResponse(status, NettyHeaders.of(reply.headers()), null, () -> {}));
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    deliverReadResponse();
    ctx.fireExceptionCaught(cause);
    Exchange exchange = current;
    if (exchange != null) {
      exchange.failed(cause);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    deliverReadResponse();
    ctx.fireChannelInactive();
    Exchange exchange = current;
    if (exchange != null) {
      exchange.failed(new IOException("warden: the connection closed before the response"));
    }
  }

  /**
   * A leader's response read whole reaches the client before the channel's end does (the codec ends
   * a response that runs to the connection's close just before it reports the close).
   */
  private void deliverReadResponse() {
    Exchange exchange = current;
    if (exchange != null && exchange.phase == Phase.READ) {
      exchange.deliverHeld();
    }
  }

  /**
   * The URL a request goes to: the channel's own destination (where the bytes really go, whatever
   * the {@code Host} field or an absolute request line says), with the request's path.
   */
  static URI target(ChannelHandlerContext ctx, HttpRequest head) {
    String target = head.uri();
    if (isAbsolute(target)) {
      URI named = NettyUris.parse(target);
      if (named == null) {
        return null;
      }
      target = NettyUris.pathAndQuery(named);
    }
    SocketAddress remote = ctx.channel().remoteAddress();
    if (!(remote instanceof InetSocketAddress address)) {
      return null;
    }
    String host = address.getHostString();
    if (host == null) {
      return null;
    }
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String scheme = ctx.pipeline().get(SslHandler.class) != null ? "https" : "http";
    String path = target.isEmpty() ? "/" : target;
    if (!path.startsWith("/") && !path.equals("*")) {
      return null;
    }
    return NettyUris.parse(
        scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + address.getPort() + path);
  }

  /** Whether the channel's connection is to a site's origin, without building any URL. */
  private boolean toSite(ChannelHandlerContext ctx) {
    if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress address)) {
      return false;
    }
    String scheme = ctx.pipeline().get(SslHandler.class) != null ? "https" : "http";
    return gateway.isSiteOrigin(scheme, address.getHostString(), address.getPort());
  }

  private void onLoop(Runnable task) {
    try {
      ctx.executor().execute(task);
    } catch (RejectedExecutionException e) {
      // The event loop is shutting down, and the channel with it.
    }
  }

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

  /** One request to a site on this channel, from its head to its response head. */
  private final class Exchange {
    private final CallOrigin origin;
    private final URI uri;
    private final int resends;
    private final CompletableFuture<WardenResponse> response = new CompletableFuture<>();
    private final HeldRequest request = new HeldRequest();
    private Phase phase = Phase.CAPTURING;

    /** Whether it leads identical requests ({@code coalesce}): its response is read whole. */
    private volatile boolean leading;

    /** A leader's response as read so far, or {@code null}. */
    private HeldResponse held;

    Exchange(CallOrigin origin, URI uri, int resends) {
      this.origin = origin;
      this.uri = uri;
      this.resends = resends;
    }

    boolean ended() {
      return phase == Phase.ANSWERED
          || phase == Phase.CLOSED
          || (response.isDone() && phase != Phase.READING && phase != Phase.READ);
    }

    void capture(Object msg, ChannelPromise promise) {
      if (request.add(msg, promise)) {
        decide();
      }
    }

    /** The request is whole (or as whole as Warden reads it): the pipeline decides it. */
    private void decide() {
      phase = Phase.DECIDING;
      HttpRequest head = request.head();
      try {
        WardenRequest decided =
            new WardenRequest(
                head.method().name(), uri, NettyHeaders.of(head.headers()), request.body());
        gateway.handle(new Hop(this, decided), origin == null ? null : origin.callsite());
      } catch (RuntimeException e) {
        Log.get()
            .error(
                "internal error before a Jira request was sent; answered 503 ("
                    + e.getClass().getName()
                    + ")");
        onLoop(() -> answer(Answers.internalError()));
      }
    }

    /** Writes the held request on, with the pipeline's header fields (and target, if changed). */
    void release(WardenRequest outgoing) {
      if (phase != Phase.DECIDING || current != this) {
        return;
      }
      HttpRequest head = request.head();
      String target =
          outgoing.uri().equals(uri) ? head.uri() : NettyUris.pathAndQuery(outgoing.uri());
      // Made before the phase moves on, so that a failure here leaves the exchange to be answered.
      HttpRequest copy = NettyHeaders.copy(head, target, NettyHeaders.toNetty(outgoing.headers()));
      phase = Phase.SENT;
      request.release(ctx, copy);
      ctx.flush();
    }

    /**
     * Drops the held request and reads Warden's answer into the channel as its response. The
     * client's write of the request succeeds first, so that it is done with the request before the
     * response ends the exchange; nothing reached the connection.
     */
    void answer(Answer answer) {
      if (phase == Phase.READ) {
        // The leader of a flight: Jira's own response, of which the others have a copy.
        deliverHeld();
        return;
      }
      if (phase != Phase.DECIDING || current != this) {
        return;
      }
      phase = Phase.ANSWERED;
      request.drop();
      if (request.ended()) {
        current = null;
      }
      HeldRequest.answer(ctx, answer);
    }

    /**
     * A part of a leader's response. Held until the last, then the response goes to the pipeline
     * with its body; one larger than {@link HeldResponse#MAX_BYTES} goes on to the client as it is,
     * with no body to share.
     */
    void read(Object msg) {
      if (held == null) {
        held = new HeldResponse();
        phase = Phase.READING;
      }
      switch (held.add(msg)) {
        case AS_IT_CAME -> {
          current = null;
          phase = Phase.SENT;
          response.complete(held.headOnly());
          fireHeld();
        }
        case WHOLE -> {
          phase = Phase.READ;
          response.complete(held.whole());
        }
        case MORE -> {}
      }
    }

    /** The pipeline lets the client have the response it held as it came. */
    void deliverHeld() {
      if (phase == Phase.READ && current == this) {
        phase = Phase.SENT;
        current = null;
        fireHeld();
      }
    }

    private void fireHeld() {
      HeldResponse parts = held;
      held = null;
      parts.fire(ctx);
    }

    private void releaseHeld() {
      HeldResponse parts = held;
      held = null;
      if (parts != null) {
        parts.release();
      }
    }

    /** The exchange failed as the client reports it (or the channel went away). */
    void failed(Throwable error) {
      response.completeExceptionally(UnsentCall.transportError(error));
      onLoop(
          () -> {
            if (phase == Phase.CAPTURING || phase == Phase.DECIDING) {
              phase = Phase.CLOSED;
              request.abandon();
            }
            if (phase == Phase.READING || phase == Phase.READ) {
              phase = Phase.CLOSED;
              releaseHeld();
            }
            if (current == this && (phase != Phase.CLOSED || request.ended())) {
              current = null;
            }
          });
    }
  }

  /** An exchange as the pipeline sees it. */
  private final class Hop implements ClientCall<Void> {
    private final Exchange exchange;
    private final WardenRequest request;

    Hop(Exchange exchange, WardenRequest request) {
      this.exchange = exchange;
      this.request = request;
    }

    @Override
    public WardenRequest request() {
      return request;
    }

    @Override
    public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
      if (ctx.executor().inEventLoop()) {
        // Decided as the client wrote it (no throttle wait): written on, in the same write.
        exchange.release(outgoing);
      } else {
        onLoop(() -> exchange.release(outgoing));
      }
      return exchange.response;
    }

    @Override
    public CompletableFuture<Void> toNative(WardenResponse received, WardenRequest sent) {
      if (exchange.leading) {
        onLoop(exchange::deliverHeld);
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
      exchange.leading = true;
    }

    @Override
    public CompletableFuture<Void> answer(Answer answer) {
      onLoop(() -> exchange.answer(answer));
      return CompletableFuture.completedFuture(null);
    }

    /** How many times the client sent this request before, on its own (AsyncHttpClient's retry). */
    @Override
    public int clientResends() {
      return exchange.resends;
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
