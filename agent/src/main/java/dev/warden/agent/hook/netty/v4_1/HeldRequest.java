package dev.warden.agent.hook.netty.v4_1;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;

/**
 * A request a Netty gate holds while Warden decides it: its head, its body parts as the client
 * wrote them, and the body as read (up to {@value Body#MAX_BYTES} bytes; a file region or a chunked
 * input is not read). The client's write of a whole request (one message) stays pending until the
 * request is let go or answered; the parts of a streamed one are acknowledged as they are held,
 * since the client writes the rest, and the end, only then. Used on the channel's event loop only.
 */
public final class HeldRequest {

  private final List<Object> held = new ArrayList<>();
  private HttpRequest head;
  private ChannelPromise headPromise;
  private ByteArrayOutputStream body = new ByteArrayOutputStream();
  private boolean bodyUnknown;
  private boolean ended;

  /** The request's head, once held. */
  public HttpRequest head() {
    return head;
  }

  /**
   * Holds one message of the request, the first being its head.
   *
   * @return whether the request is now whole (or as whole as Warden reads it), to be decided
   */
  public boolean add(Object msg, ChannelPromise promise) {
    held.add(msg);
    boolean first = head == null;
    if (first) {
      head = (HttpRequest) msg;
      if (io.netty.handler.codec.http.HttpUtil.is100ContinueExpected(head)) {
        // The client sends the body only once the server says 100: decided on the head.
        bodyUnknown = true;
      }
    }
    if (msg instanceof ByteBufHolder holder) {
      // A body part, or a head that carries the first part (or all) of its body.
      append(holder.content());
    } else if (msg instanceof ByteBuf buffer) {
      append(buffer);
    } else if (!first) {
      bodyUnknown = true;
    }
    ended |= msg instanceof LastHttpContent;
    boolean whole = bodyUnknown || msg instanceof LastHttpContent;
    if (first && whole) {
      headPromise = promise;
    } else {
      promise.trySuccess();
    }
    return whole;
  }

  /** Whether the request's end ({@code LastHttpContent}) was written. */
  public boolean ended() {
    return ended;
  }

  /** Holds a message the client writes after the request was whole (a trailer, a flush's). */
  public void hold(Object msg, ChannelPromise promise) {
    ended |= msg instanceof LastHttpContent;
    held.add(msg);
    promise.trySuccess();
  }

  private void append(ByteBuf buffer) {
    if (bodyUnknown) {
      return;
    }
    int length = buffer.readableBytes();
    if (body.size() + length > Body.MAX_BYTES) {
      bodyUnknown = true;
      body = null;
      return;
    }
    byte[] bytes = new byte[length];
    buffer.getBytes(buffer.readerIndex(), bytes);
    body.write(bytes, 0, length);
  }

  /** The body as read, once whole; read once. */
  public Body body() {
    Body read;
    if (bodyUnknown || body == null) {
      read = Body.lazy(() -> null);
    } else {
      byte[] bytes = body.toByteArray();
      read = bytes.length == 0 ? Body.NONE : Body.of(bytes);
    }
    body = null;
    return read;
  }

  /**
   * Writes the request on with {@code copy} in place of its head (not flushed).
   *
   * @return the promise of the head's write, the client's own when it still waits on it
   */
  public ChannelPromise release(ChannelHandlerContext ctx, HttpRequest copy) {
    ChannelPromise written = headPromise != null ? headPromise : ctx.voidPromise();
    for (Object message : held) {
      if (message == head) {
        writeCopy(ctx, head, copy, written);
      } else {
        ctx.write(message, ctx.voidPromise());
      }
    }
    held.clear();
    return written;
  }

  /** Drops the request unsent, the client's write of it successful. */
  public void drop() {
    held.forEach(ReferenceCountUtil::release);
    held.clear();
    if (headPromise != null) {
      headPromise.trySuccess();
    }
  }

  /** Drops the request unsent, the client's write of it failed. */
  public void abandon() {
    held.forEach(ReferenceCountUtil::release);
    held.clear();
    if (headPromise != null) {
      headPromise.tryFailure(new ClosedChannelException());
    }
  }

  /**
   * Writes {@code copy} in place of {@code head}. A head that carries a part of its body (Vert.x
   * writes one) is written as the copy's head, then that part.
   */
  static void writeCopy(
      ChannelHandlerContext ctx, HttpRequest head, HttpRequest copy, ChannelPromise promise) {
    if (copy instanceof FullHttpRequest || !(head instanceof HttpContent part)) {
      ctx.write(copy, promise);
      return;
    }
    ctx.write(copy, ctx.voidPromise());
    ctx.write(
        part instanceof LastHttpContent
            ? new DefaultLastHttpContent(part.content())
            : new DefaultHttpContent(part.content()),
        promise);
  }

  /**
   * Reads Warden's answer into the channel after {@code ctx}, as the server's response: the head
   * and the body as two messages, as the codec decodes them (AsyncHttpClient reads a {@code
   * FullHttpResponse} as a head only).
   */
  public static void answer(ChannelHandlerContext ctx, Answer answer) {
    byte[] bytes = answer.body();
    HttpResponse reply =
        new DefaultHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status(), answer.reason()));
    answer
        .headers()
        .map()
        .forEach((name, values) -> values.forEach(value -> reply.headers().add(name, value)));
    reply.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    ctx.fireChannelRead(reply);
    ctx.fireChannelRead(new DefaultLastHttpContent(Unpooled.wrappedBuffer(bytes)));
    ctx.fireChannelReadComplete();
  }
}
