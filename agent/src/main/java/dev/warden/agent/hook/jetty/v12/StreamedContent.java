package dev.warden.agent.hook.jetty.v12;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Content;

/**
 * A request body the application writes as it is sent (an {@code OutputStreamRequestContent} or
 * {@code AsyncRequestContent}: Spring's Jetty engine writes every body that way, after {@code
 * send}). Warden reads it as it comes, without blocking, up to {@link
 * dev.warden.agent.bootstrap.Body#MAX_BYTES}, before deciding, so that a create can be classified
 * by its project and a denied request still lets the application's writer finish. The bytes read
 * are then sent ahead of whatever the source still has, so nothing is lost when the body is larger
 * than Warden reads.
 */
final class StreamedContent implements Request.Content {

  private final Request.Content source;
  private final ArrayDeque<byte[]> head = new ArrayDeque<>();
  private int size;
  private volatile boolean ended;

  private StreamedContent(Request.Content source) {
    this.source = source;
  }

  /** Reads {@code source} until it ends or more than {@code max} bytes have come. */
  static CompletableFuture<StreamedContent> collect(Request.Content source, int max) {
    StreamedContent content = new StreamedContent(source);
    CompletableFuture<StreamedContent> done = new CompletableFuture<>();
    content.pump(done, max);
    return done;
  }

  private void pump(CompletableFuture<StreamedContent> done, int max) {
    try {
      while (true) {
        Content.Chunk chunk = source.read();
        if (chunk == null) {
          source.demand(() -> pump(done, max));
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          done.completeExceptionally(chunk.getFailure());
          return;
        }
        boolean last = chunk.isLast();
        ByteBuffer buffer = chunk.getByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        chunk.release();
        synchronized (this) {
          if (bytes.length > 0) {
            head.add(bytes);
            size += bytes.length;
          }
          ended = last;
        }
        if (last || size > max) {
          done.complete(this);
          return;
        }
      }
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  /** The whole body, when it ended within the limit; {@code null} when more is still to come. */
  synchronized byte[] bytes() {
    if (!ended) {
      return null;
    }
    ByteBuffer all = ByteBuffer.allocate(size);
    head.forEach(all::put);
    return all.array();
  }

  @Override
  public String getContentType() {
    return source.getContentType();
  }

  @Override
  public long getLength() {
    return source.getLength();
  }

  @Override
  public Content.Chunk read() {
    synchronized (this) {
      if (!head.isEmpty()) {
        byte[] bytes = head.poll();
        return Content.Chunk.from(ByteBuffer.wrap(bytes), ended && head.isEmpty());
      }
      if (ended) {
        return Content.Chunk.EOF;
      }
    }
    return source.read();
  }

  @Override
  public void demand(Runnable demandCallback) {
    boolean ready;
    synchronized (this) {
      ready = !head.isEmpty() || ended;
    }
    if (ready) {
      demandCallback.run();
    } else {
      source.demand(demandCallback);
    }
  }

  @Override
  public void fail(Throwable failure) {
    source.fail(failure);
  }

  @Override
  public boolean rewind() {
    return false;
  }
}
