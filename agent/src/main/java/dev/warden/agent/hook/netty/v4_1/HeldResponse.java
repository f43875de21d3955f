package dev.warden.agent.hook.netty.v4_1;

import dev.warden.agent.bootstrap.WardenResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The response to a request that leads identical ones ({@code coalesce: true}), held from the
 * client as it is read, head first, so that the pipeline can share its body: then handed to the
 * client as it came ({@link #fire}), or dropped for the shared copy ({@link #release}). Shared by
 * the Netty gate and Reactor Netty's; used on the channel's event loop only.
 */
public final class HeldResponse {

  /** The largest response held whole (as much as coalescing shares). */
  public static final int MAX_BYTES = 1 << 20;

  /** Where a response stands after a part of it was added. */
  public enum State {
    /** More parts to come. */
    MORE,
    /** Read whole: {@link #whole()} has it with its body. */
    WHOLE,
    /**
     * Larger than {@link #MAX_BYTES}, or not decoded whole: it goes on as it came, with nothing to
     * share.
     */
    AS_IT_CAME
  }

  private final List<Object> parts = new ArrayList<>(4);
  private int bytes;

  /** Adds the next part of the response (its head first). */
  public State add(Object part) {
    parts.add(part);
    if (part instanceof HttpContent content) {
      bytes += content.content().readableBytes();
    }
    if (bytes > MAX_BYTES
        || (part instanceof DecoderResultProvider decoded
            && !decoded.decoderResult().isSuccess())) {
      return State.AS_IT_CAME;
    }
    return part instanceof LastHttpContent ? State.WHOLE : State.MORE;
  }

  /** The response as the pipeline takes it, with no body (one too large to share). */
  public WardenResponse headOnly() {
    HttpResponse head = (HttpResponse) parts.get(0);
    return new WardenResponse(
        head.status().code(), NettyHeaders.of(head.headers()), null, () -> {});
  }

  /** The response read whole, its body readable by the pipeline. */
  public WardenResponse whole() {
    HttpResponse head = (HttpResponse) parts.get(0);
    byte[] body = new byte[bytes];
    int at = 0;
    for (Object part : parts) {
      if (part instanceof HttpContent content) {
        ByteBuf buffer = content.content();
        int length = buffer.readableBytes();
        buffer.getBytes(buffer.readerIndex(), body, at, length);
        at += length;
      }
    }
    return new WardenResponse(
        head.status().code(), NettyHeaders.of(head.headers()), null, () -> {}, () -> body);
  }

  /** Hands the response to the client as it came. */
  public void fire(ChannelHandlerContext ctx) {
    List<Object> held = new ArrayList<>(parts);
    parts.clear();
    bytes = 0;
    for (Object part : held) {
      ctx.fireChannelRead(part);
    }
    ctx.fireChannelReadComplete();
  }

  /** Drops the response: the client gets the shared copy, or nothing. */
  public void release() {
    parts.forEach(ReferenceCountUtil::release);
    parts.clear();
    bytes = 0;
  }
}
