package dev.warden.agent.hook.jdk.httpclient;

import dev.warden.agent.bootstrap.Body;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Reads a request's body publisher into memory, for the few requests whose body Warden must see (a
 * create names its project there). The JDK's publishers can be subscribed to again, so the
 * application's request is unharmed; a body larger than a megabyte, or one that does not arrive
 * within a few seconds, is not read.
 */
final class PublisherBytes {

  private PublisherBytes() {}

  /** The body's bytes, or {@code null} when it cannot be read here. */
  static byte[] read(HttpRequest.BodyPublisher publisher) {
    if (publisher.contentLength() > Body.MAX_BYTES) {
      return null;
    }
    Collector collector = new Collector();
    publisher.subscribe(collector);
    try {
      return collector.result.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      collector.cancel();
      return null;
    } catch (Exception e) {
      collector.cancel();
      return null;
    }
  }

  private static final class Collector implements Flow.Subscriber<ByteBuffer> {
    final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      if (bytes.size() + item.remaining() > Body.MAX_BYTES) {
        cancel();
        result.complete(null);
        return;
      }
      byte[] chunk = new byte[item.remaining()];
      item.get(chunk);
      bytes.write(chunk, 0, chunk.length);
    }

    @Override
    public void onError(Throwable throwable) {
      result.complete(null);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
