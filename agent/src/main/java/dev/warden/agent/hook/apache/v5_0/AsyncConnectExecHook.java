package dev.warden.agent.hook.apache.v5_0;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.MethodHook;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.HopRoute;
import dev.warden.agent.pipeline.RequestCredentials;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.impl.BasicEntityDetails;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;

/**
 * One hop of HttpClient 5's async exec chain, at {@code AsyncConnectExec} (below the redirect and
 * retry handlers, before a connection is taken). A Jira hop is taken over: Warden decides it
 * without blocking the calling thread (which may be an I/O reactor thread), then sends its own copy
 * of the request down the rest of the chain, or completes the application's callback with its
 * answer.
 */
public final class AsyncConnectExecHook implements MethodHook {

  private static final Object TAKEN_OVER = Boolean.TRUE;

  @Override
  public Object enter(Object exec, Object[] arguments) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null || Bypass.active()) {
      return null;
    }
    HttpRequest request = (HttpRequest) arguments[0];
    AsyncEntityProducer producer = (AsyncEntityProducer) arguments[1];
    AsyncExecChain.Scope scope = (AsyncExecChain.Scope) arguments[2];
    AsyncExecChain chain = (AsyncExecChain) arguments[3];
    AsyncExecCallback callback = (AsyncExecCallback) arguments[4];
    URI uri = ConnectExecHook.absolute(scope.route.getTargetHost(), request.getPath());
    HopRoute route =
        gateway.route(uri, scope.clientContext.getAttribute(ConnectExecHook.CHAIN) != null);
    if (!route.applyTo(request::removeHeaders, request::addHeader)) {
      return null;
    }
    scope.clientContext.setAttribute(ConnectExecHook.CHAIN, Boolean.TRUE);
    Call call =
        new Call((AsyncExecChainHandler) exec, request, producer, scope, chain, callback, uri);
    gateway
        .handle(call)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                call.fail(Gateway.cause(error));
              }
            });
    return TAKEN_OVER;
  }

  /**
   * One hop as Warden handles it; its native "response" is the application's callback having been
   * served.
   */
  private static final class Call implements ClientCall<Void> {
    private final AsyncExecChainHandler exec;
    private final HttpRequest original;
    private final AsyncEntityProducer producer;
    private final AsyncExecChain.Scope scope;
    private final AsyncExecChain chain;
    private final AsyncExecCallback callback;
    private final WardenRequest request;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final byte[] body;

    /** Whether it leads identical requests ({@code coalesce}): its response is read whole. */
    private volatile boolean leading;

    @Override
    public boolean forwardProxied(URI uri) {
      return scope.route.getProxyHost() != null;
    }

    Call(
        AsyncExecChainHandler exec,
        HttpRequest original,
        AsyncEntityProducer producer,
        AsyncExecChain.Scope scope,
        AsyncExecChain chain,
        AsyncExecCallback callback,
        URI uri) {
      this.exec = exec;
      this.original = original;
      this.producer = producer;
      this.scope = scope;
      this.chain = chain;
      this.callback = callback;
      this.body = producer == null ? null : ProducedBody.read(producer);
      this.request =
          new WardenRequest(
              original.getMethod(),
              uri,
              ConnectExecHook.headers(original.getHeaders()),
              producer == null ? Body.NONE : body != null ? Body.of(body) : Body.lazy(() -> null));
    }

    @Override
    public WardenRequest request() {
      return request;
    }

    @Override
    public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
      BasicHttpRequest copy =
          ConnectExecHook.copyOf(
              new BasicHttpRequest(outgoing.method(), ConnectExecHook.pathAndQuery(outgoing.uri())),
              original,
              outgoing);
      AsyncEntityProducer entity =
          producer == null
              ? null
              : body != null ? new BasicAsyncEntityProducer(body, contentType(producer)) : producer;
      CompletableFuture<WardenResponse> response = new CompletableFuture<>();
      try (Bypass.Scope bypass = Bypass.open()) {
        exec.execute(
            copy,
            entity,
            scope,
            chain,
            new Relay(
                response,
                () ->
                    ConnectExecHook.scrub(
                        scope.clientContext,
                        RequestCredentials.readBack(request.headers()),
                        copy)));
      } catch (IOException | HttpException | RuntimeException e) {
        response.completeExceptionally(e);
      }
      return response;
    }

    private static ContentType contentType(AsyncEntityProducer producer) {
      try {
        return producer.getContentType() == null
            ? null
            : ContentType.parse(producer.getContentType());
      } catch (RuntimeException e) {
        return null;
      }
    }

    @Override
    public CompletableFuture<Void> toNative(WardenResponse response, WardenRequest sent) {
      if (response.nativeResponse() instanceof ReadWhole whole) {
        whole.deliver();
      } else {
        ((Delivery) response.nativeResponse()).deliver();
      }
      return CompletableFuture.completedFuture(null);
    }

    /**
     * A response with a {@code Content-Length} within what coalescing shares is read whole when it
     * leads identical requests, and made again from its bytes.
     */
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
      if (!finished.compareAndSet(false, true)) {
        return CompletableFuture.completedFuture(null);
      }
      try {
        BasicHttpResponse response = new BasicHttpResponse(answer.status(), answer.reason());
        response.setHeaders(ConnectExecHook.fields(answer.headers()));
        String type = answer.headers().first("Content-Type");
        AsyncDataConsumer consumer =
            callback.handleResponse(
                response,
                new BasicEntityDetails(
                    answer.body().length, type == null ? null : ContentType.parse(type)));
        if (consumer != null) {
          consumer.updateCapacity(NO_CAPACITY);
          consumer.consume(ByteBuffer.wrap(answer.body()));
          consumer.streamEnd(null);
        }
        callback.completed();
      } catch (IOException | HttpException | RuntimeException e) {
        callback.failed(e);
      }
      return CompletableFuture.completedFuture(null);
    }

    /**
     * Warden failed the call (an internal error, or the client's own failure before a response).
     */
    void fail(Throwable error) {
      if (finished.compareAndSet(false, true)) {
        callback.failed(error instanceof Exception e ? e : new IOException(error));
      }
    }

    /**
     * The callback the chain below reports to. The chain wants the body's consumer back from {@code
     * handleResponse} at once: the response goes to Warden, which hands it on (in {@link
     * Delivery#deliver}) or discards it, and the consumer it settles on is returned.
     */
    private final class Relay implements AsyncExecCallback {
      private final CompletableFuture<WardenResponse> response;
      private volatile boolean delivered;

      /**
       * Warden discarded the response (a redirect it follows, a 429 it retries): what becomes of it
       * is not the application's.
       */
      private volatile boolean discarded;

      /**
       * Runs once the request is sent, before the application hears of the response: see {@link
       * ConnectExecHook#scrub}.
       */
      private final Runnable sent;

      Relay(CompletableFuture<WardenResponse> response, Runnable sent) {
        this.response = response;
        this.sent = sent;
      }

      @Override
      public AsyncDataConsumer handleResponse(HttpResponse received, EntityDetails details)
          throws HttpException, IOException {
        sent.run();
        if (leading
            && received.getCode() >= 200
            && details != null
            && details.getContentLength() >= 0
            && details.getContentLength() <= Body.MAX_BYTES) {
          // It leads identical requests: the response is read whole before Warden hands it on.
          return new ReadWhole(received, details, response);
        }
        Delivery delivery = new Delivery(received, details);
        response.complete(
            new WardenResponse(
                received.getCode(),
                ConnectExecHook.headers(received.getHeaders()),
                delivery,
                () -> delivery.consumer.complete(DISCARD)));
        AsyncDataConsumer consumer = HookSupport.decisionFor(delivery.consumer);
        discarded = consumer == DISCARD;
        delivered = !discarded;
        return consumer == DISCARD ? null : consumer;
      }

      @Override
      public void handleInformationResponse(HttpResponse received)
          throws HttpException, IOException {
        callback.handleInformationResponse(received);
      }

      @Override
      public void completed() {
        if (delivered && finished.compareAndSet(false, true)) {
          callback.completed();
        }
      }

      @Override
      public void failed(Exception cause) {
        sent.run();
        // After the head arrived, a failure matters to the application only if it got this response
        // (a discarded one, a 429 Warden retries, may fail while it drains).
        if (!response.completeExceptionally(cause)
            && !discarded
            && finished.compareAndSet(false, true)) {
          callback.failed(cause);
        }
      }
    }

    /**
     * A leader's response, its body read whole from the network before the pipeline sees it; then
     * handed to the application's callback as it came, or dropped for the shared copy.
     */
    private final class ReadWhole implements AsyncDataConsumer {
      private final HttpResponse received;
      private final EntityDetails details;
      private final CompletableFuture<WardenResponse> response;
      private final java.io.ByteArrayOutputStream bytes;

      ReadWhole(
          HttpResponse received,
          EntityDetails details,
          CompletableFuture<WardenResponse> response) {
        this.received = received;
        this.details = details;
        this.response = response;
        this.bytes = new java.io.ByteArrayOutputStream((int) details.getContentLength());
      }

      @Override
      public void updateCapacity(CapacityChannel channel) throws IOException {
        channel.update(Integer.MAX_VALUE);
      }

      @Override
      public void consume(ByteBuffer src) {
        if (src.hasArray()) {
          bytes.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
          src.position(src.limit());
        } else {
          byte[] chunk = new byte[src.remaining()];
          src.get(chunk);
          bytes.write(chunk, 0, chunk.length);
        }
      }

      @Override
      public void streamEnd(java.util.List<? extends Header> trailers) {
        byte[] body = bytes.toByteArray();
        response.complete(
            new WardenResponse(
                received.getCode(),
                ConnectExecHook.headers(received.getHeaders()),
                this,
                () -> {},
                () -> body));
      }

      @Override
      public void releaseResources() {}

      /** The application's callback gets the response as it came. */
      void deliver() {
        if (!finished.compareAndSet(false, true)) {
          return;
        }
        try {
          AsyncDataConsumer consumer = callback.handleResponse(received, details);
          if (consumer != null) {
            consumer.updateCapacity(NO_CAPACITY);
            consumer.consume(ByteBuffer.wrap(bytes.toByteArray()));
            consumer.streamEnd(null);
          }
          callback.completed();
        } catch (IOException | HttpException | RuntimeException e) {
          callback.failed(e);
        }
      }
    }

    /**
     * A response from the network, handed to the application's callback when Warden lets it
     * through.
     */
    private final class Delivery {
      final HttpResponse received;
      final EntityDetails details;
      final CompletableFuture<AsyncDataConsumer> consumer = new CompletableFuture<>();

      Delivery(HttpResponse received, EntityDetails details) {
        this.received = received;
        this.details = details;
      }

      void deliver() {
        try {
          consumer.complete(callback.handleResponse(received, details));
        } catch (HttpException | IOException | RuntimeException e) {
          consumer.completeExceptionally(e);
        }
      }
    }
  }

  private static final CapacityChannel NO_CAPACITY = increment -> {};

  /** A consumer that takes a discarded response's body and drops it. */
  private static final AsyncDataConsumer DISCARD =
      new AsyncDataConsumer() {
        @Override
        public void updateCapacity(CapacityChannel channel) {}

        @Override
        public void consume(ByteBuffer src) {
          src.position(src.limit());
        }

        @Override
        public void streamEnd(java.util.List<? extends Header> trailers) {}

        @Override
        public void releaseResources() {}
      };

  /** Reads a repeatable producer's body (as the chain would send it) without disturbing it. */
  static final class ProducedBody implements DataStreamChannel {
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    private boolean ended;

    static byte[] read(AsyncEntityProducer producer) {
      if (!producer.isRepeatable() || producer.getContentLength() > Body.MAX_BYTES) {
        return null;
      }
      ProducedBody channel = new ProducedBody();
      try {
        for (int i = 0; i < 1000 && !channel.ended && channel.out.size() <= Body.MAX_BYTES; i++) {
          producer.produce(channel);
        }
      } catch (IOException | RuntimeException e) {
        return null;
      } finally {
        producer.releaseResources();
      }
      return channel.ended && channel.out.size() <= Body.MAX_BYTES
          ? channel.out.toByteArray()
          : null;
    }

    @Override
    public void requestOutput() {}

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      byte[] bytes = new byte[n];
      src.get(bytes);
      out.write(bytes, 0, n);
      return n;
    }

    @Override
    public void endStream() {
      ended = true;
    }

    @Override
    public void endStream(java.util.List<? extends Header> trailers) {
      ended = true;
    }
  }
}
