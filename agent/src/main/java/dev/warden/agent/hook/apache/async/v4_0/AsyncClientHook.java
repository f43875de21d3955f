package dev.warden.agent.hook.apache.async.v4_0;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.MethodHook;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.hook.apache.v4_2.ApacheCall;
import dev.warden.agent.hook.apache.v4_2.ExecChainHook;
import dev.warden.agent.log.Log;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.HeaderEdits;
import dev.warden.agent.pipeline.RequestCredentials;
import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.Configurable;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.concurrent.BasicFuture;
import org.apache.http.concurrent.FutureCallback;
import org.apache.http.message.BasicHttpEntityEnclosingRequest;
import org.apache.http.message.BasicHttpRequest;
import org.apache.http.nio.ContentDecoder;
import org.apache.http.nio.IOControl;
import org.apache.http.nio.client.HttpAsyncClient;
import org.apache.http.nio.client.methods.HttpAsyncMethods;
import org.apache.http.nio.protocol.HttpAsyncRequestProducer;
import org.apache.http.nio.protocol.HttpAsyncResponseConsumer;
import org.apache.http.protocol.HttpContext;

/**
 * A whole HttpAsyncClient 4 call to a Jira site, taken over before a connection is leased. The
 * client's exec would follow redirects inside, copying every header (Warden's credential too) to
 * the next hop, so Warden sends its own copy of the request with redirects off for that copy and
 * follows them itself, each hop decided anew. Nothing blocks the calling thread or the I/O reactor:
 * the application gets a future at once, and the response reaches the application's own consumer
 * and callback on the reactor thread, as without Warden.
 */
public final class AsyncClientHook implements MethodHook {

  private static final String INTERNAL_CLIENT =
      "org.apache.http.impl.nio.client.InternalHttpAsyncClient";

  @Override
  @SuppressWarnings("unchecked")
  public Object enter(Object client, Object[] arguments) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null || Bypass.active()) {
      return null;
    }
    HttpAsyncRequestProducer producer = (HttpAsyncRequestProducer) arguments[0];
    HttpHost target = producer.getTarget();
    if (target == null || !gateway.isSiteOrigin(ExecChainHook.absolute(target, URI.create("/")))) {
      return null;
    }
    HttpRequest request;
    try {
      request = producer.generateRequest();
    } catch (IOException | HttpException | RuntimeException e) {
      return null; // The client meets the same failure and reports it its own way.
    }
    URI uri = ExecChainHook.absolute(target, URI.create(request.getRequestLine().getUri()));
    HttpContext context = (HttpContext) arguments[2];
    BasicFuture<Object> future = new BasicFuture<>((FutureCallback<Object>) arguments[3]);
    Call call =
        new Call(
            (HttpAsyncClient) client,
            (HttpAsyncResponseConsumer<Object>) arguments[1],
            context,
            request,
            uri,
            config(client, request, context));
    gateway
        .handle(call)
        .whenComplete(
            (result, error) -> {
              if (error == null) {
                future.completed(result);
              } else {
                Throwable cause = Gateway.cause(error);
                future.failed(cause instanceof Exception e ? e : new IOException(cause));
              }
              close(producer);
            });
    return future;
  }

  /**
   * The configuration this request would run with: its own, the context's, or the client's default.
   */
  private static RequestConfig config(Object client, HttpRequest request, HttpContext context) {
    if (request instanceof Configurable configurable && configurable.getConfig() != null) {
      return configurable.getConfig();
    }
    if (context != null
        && context.getAttribute(HttpClientContext.REQUEST_CONFIG) instanceof RequestConfig config) {
      return config;
    }
    if (client.getClass().getName().equals(INTERNAL_CLIENT)) {
      try {
        Field field = client.getClass().getDeclaredField("defaultConfig");
        field.setAccessible(true);
        if (field.get(client) instanceof RequestConfig config) {
          return config;
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        Log.get().debug("could not read HttpAsyncClient's default request configuration: " + e);
      }
    }
    return RequestConfig.DEFAULT;
  }

  private static void close(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException | RuntimeException e) {
      // Nothing more to release.
    }
  }

  /** One call as Warden handles it; its native response is the application consumer's result. */
  private static final class Call implements ClientCall<Object> {
    private final HttpAsyncClient client;
    private final HttpAsyncResponseConsumer<Object> consumer;
    private final HttpContext context;
    private final HttpRequest original;
    private final RequestConfig config;
    private final RedirectPolicy redirects;
    private final WardenRequest request;

    @Override
    public boolean forwardProxied(URI uri) {
      // The request's configuration names its proxy (a route planner's is out of sight).
      return config != null && config.getProxy() != null;
    }

    Call(
        HttpAsyncClient client,
        HttpAsyncResponseConsumer<Object> consumer,
        HttpContext context,
        HttpRequest original,
        URI uri,
        RequestConfig config) {
      this.client = client;
      this.consumer = consumer;
      this.context = context;
      this.original = original;
      this.config = config;
      // The minimal client follows no redirects; the builder's follows them as its configuration
      // says.
      this.redirects =
          client.getClass().getName().equals(INTERNAL_CLIENT) && config.isRedirectsEnabled()
              ? new RedirectPolicy(
                  Set.of(301, 302, 303, 307),
                  Set.of(301, 302, 307),
                  config.getMaxRedirects(),
                  true,
                  true,
                  Set.of(303))
              : RedirectPolicy.NONE;
      this.request =
          new WardenRequest(
              original.getRequestLine().getMethod(),
              uri,
              ApacheCall.headers(original.getAllHeaders()),
              ApacheCall.body(original));
    }

    @Override
    public WardenRequest request() {
      return request;
    }

    @Override
    public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
      URI uri = outgoing.uri();
      HttpHost host =
          new HttpHost(
              dev.warden.policy.SiteUrl.hostOf(uri),
              dev.warden.policy.SiteUrl.portOf(uri),
              uri.getScheme());
      String line = ApacheCall.relative(uri).toString();
      RequestConfig once = RequestConfig.copy(config).setRedirectsEnabled(false).build();
      HttpRequest copy;
      if (outgoing.body() != Body.NONE
          && original instanceof HttpEntityEnclosingRequest enclosing) {
        WithBody withBody = new WithBody(outgoing.method(), line, once);
        withBody.setEntity(enclosing.getEntity());
        copy = withBody;
      } else {
        copy = new WithoutBody(outgoing.method(), line, once);
      }
      copy.setHeaders(ApacheCall.fields(outgoing.headers()));
      CompletableFuture<WardenResponse> response = new CompletableFuture<>();
      HttpRequest sent = copy;
      // The context's request wraps Warden's copy (getOriginal()): both are scrubbed.
      HeaderEdits readBack = RequestCredentials.readBack(request.headers());
      Relay relay = new Relay(response, () -> ApacheCall.scrub(context, readBack, sent));
      try (Bypass.Scope bypass = Bypass.open()) {
        client.execute(HttpAsyncMethods.create(host, copy), relay, context, relay.verdict);
      } catch (RuntimeException e) {
        response.completeExceptionally(e);
      }
      return response;
    }

    @Override
    public CompletableFuture<Object> toNative(WardenResponse response, WardenRequest sent) {
      Relay relay = (Relay) response.nativeResponse();
      relay.decision.complete(consumer);
      return relay.result;
    }

    @Override
    public CompletableFuture<Object> answer(Answer answer) {
      try {
        consumer.responseReceived(ApacheCall.response(answer));
        consumer.consumeContent(new Bytes(answer.body()), NO_IO);
        consumer.responseCompleted(context);
        Exception failure = consumer.getException();
        return failure == null
            ? CompletableFuture.completedFuture(consumer.getResult())
            : CompletableFuture.failedFuture(failure);
      } catch (IOException | HttpException | RuntimeException e) {
        consumer.failed(e);
        return CompletableFuture.failedFuture(e);
      } finally {
        close(consumer);
      }
    }

    @Override
    public RedirectPolicy redirects() {
      return redirects;
    }
  }

  /**
   * The consumer and callback of one hop Warden sent. The client wants the response consumed as it
   * arrives; the head goes to Warden, which decides on this thread whether the application's
   * consumer gets the response (and then the rest streams straight to it) or it is drained (a
   * redirect Warden follows).
   */
  private static final class Relay implements HttpAsyncResponseConsumer<Object> {
    private final CompletableFuture<WardenResponse> response;

    /** The application's consumer, or {@code null} to drain. */
    final CompletableFuture<HttpAsyncResponseConsumer<Object>> decision = new CompletableFuture<>();

    /** The application consumer's result, once the client completes the exchange. */
    final CompletableFuture<Object> result = new CompletableFuture<>();

    private volatile HttpAsyncResponseConsumer<Object> target;
    private volatile boolean done;

    /**
     * Runs once the request is sent, before the application hears of the response: see {@link
     * ApacheCall#scrub}.
     */
    private final Runnable sent;

    Relay(CompletableFuture<WardenResponse> response, Runnable sent) {
      this.response = response;
      this.sent = sent;
    }

    @Override
    public void responseReceived(HttpResponse received) throws IOException, HttpException {
      sent.run();
      response.complete(
          new WardenResponse(
              received.getStatusLine().getStatusCode(),
              ApacheCall.headers(received.getAllHeaders()),
              this,
              () -> decision.complete(null)));
      target = HookSupport.decisionFor(decision);
      if (target != null) {
        target.responseReceived(received);
      }
    }

    @Override
    public void consumeContent(ContentDecoder decoder, IOControl control) throws IOException {
      HttpAsyncResponseConsumer<Object> to = target;
      if (to != null) {
        to.consumeContent(decoder, control);
        return;
      }
      ByteBuffer sink = ByteBuffer.allocate(4096);
      while (decoder.read(sink) > 0) {
        sink.clear();
      }
    }

    @Override
    public void responseCompleted(HttpContext context) {
      done = true;
      if (target != null) {
        target.responseCompleted(context);
      }
    }

    @Override
    public void failed(Exception cause) {
      sent.run();
      if (!response.completeExceptionally(cause) && target != null) {
        target.failed(cause);
      }
    }

    @Override
    public Exception getException() {
      return target == null ? null : target.getException();
    }

    @Override
    public Object getResult() {
      return target == null ? null : target.getResult();
    }

    @Override
    public boolean isDone() {
      return target == null ? done : target.isDone();
    }

    @Override
    public void close() throws IOException {
      if (target != null) {
        target.close();
      }
    }

    @Override
    public boolean cancel() {
      return target != null && target.cancel();
    }

    /** The client's verdict on the exchange: the consumer's result, or why there is none. */
    final FutureCallback<Object> verdict =
        new FutureCallback<>() {
          @Override
          public void completed(Object value) {
            result.complete(value);
          }

          @Override
          public void failed(Exception cause) {
            if (!response.completeExceptionally(cause)) {
              result.completeExceptionally(cause);
            }
          }

          @Override
          public void cancelled() {
            failed(new CancellationException("cancelled"));
          }
        };
  }

  /** Warden's copy of a request without a body, configured not to follow redirects. */
  private static final class WithoutBody extends BasicHttpRequest implements Configurable {
    private final RequestConfig config;

    WithoutBody(String method, String uri, RequestConfig config) {
      super(method, uri);
      this.config = config;
    }

    @Override
    public RequestConfig getConfig() {
      return config;
    }
  }

  /** Warden's copy of a request with a body, configured not to follow redirects. */
  private static final class WithBody extends BasicHttpEntityEnclosingRequest
      implements Configurable {
    private final RequestConfig config;

    WithBody(String method, String uri, RequestConfig config) {
      super(method, uri);
      this.config = config;
    }

    @Override
    public RequestConfig getConfig() {
      return config;
    }
  }

  /** A body in memory, as the content decoder a consumer reads. */
  private static final class Bytes implements ContentDecoder {
    private final ByteBuffer body;

    Bytes(byte[] body) {
      this.body = ByteBuffer.wrap(body);
    }

    @Override
    public int read(ByteBuffer dst) {
      if (!body.hasRemaining()) {
        return -1;
      }
      int n = Math.min(dst.remaining(), body.remaining());
      ByteBuffer slice = body.slice();
      slice.limit(n);
      dst.put(slice);
      body.position(body.position() + n);
      return n;
    }

    @Override
    public boolean isCompleted() {
      return !body.hasRemaining();
    }
  }

  private static final IOControl NO_IO =
      new IOControl() {
        @Override
        public void requestInput() {}

        @Override
        public void suspendInput() {}

        @Override
        public void requestOutput() {}

        @Override
        public void suspendOutput() {}

        @Override
        public void shutdown() {}
      };
}
