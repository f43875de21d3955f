package dev.warden.agent.hook.vertx.v4_0;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.pipeline.ClientFailure;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.policy.SiteUrl;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One hop of a WebClient request to a Jira site, as Warden handles it from {@link
 * WardenInterceptor}. Sending it is letting the {@code CREATE_REQUEST} phase go on with Warden's
 * changes written into the hop's {@code RequestOptions} (never into the application's {@code
 * HttpRequest}, whose headers the application can read back); its response is the phase that ends
 * the hop, held until Warden hands it on. An answer is a response made with the request's own body
 * codec, dispatched as the response. A failure of the client reaches the application as the client
 * raised it.
 *
 * <p>{@code HttpContext} is not thread-safe and expects its chain resumed from inside an
 * interceptor or from its event loop: an outcome Warden reaches while the interceptor still runs is
 * applied at once, one reached on another thread meanwhile is left for the interceptor to apply
 * before it returns, and one reached later goes to the Vert.x context the hop was decided on (or,
 * for a first hop decided on an application thread, which has none, runs where it completes, as a
 * {@code send()} from any thread would).
 */
final class VertxCall implements ClientCall<Void> {

  private final HttpContext<?> ctx;
  private final RequestOptions options;
  private final WardenRequest request;
  private final Context context;

  /** The thread running the interceptor for this hop now, if any. Guarded by {@code this}. */
  private Thread inside;

  /**
   * What another thread asked to run while the interceptor was running. Guarded by {@code this}.
   */
  private Runnable deferred;

  private volatile CompletableFuture<WardenResponse> response;

  /** The phase held for Warden: the one that ended the hop. */
  private volatile ClientPhase held;

  VertxCall(HttpContext<?> ctx, RequestOptions options, URI uri) {
    this.ctx = ctx;
    this.options = options;
    this.context = Vertx.currentContext();
    Object body = ctx.body();
    String method = options.getMethod() == null ? "GET" : options.getMethod().name();
    this.request =
        new WardenRequest(
            method,
            uri,
            headers(options.getHeaders()),
            body == null ? Body.NONE : Body.lazy(() -> bytes(body)));
  }

  /** Hands the hop to Warden; returns once Warden decided or waits on its own. */
  void start(Gateway gateway, Callsite callsite) {
    boolean entered = enter();
    try {
      gateway
          .handle(this, callsite)
          .whenComplete(
              (ignored, error) -> {
                if (error != null) {
                  failed(Gateway.cause(error));
                }
              });
    } catch (RuntimeException e) {
      // Gateway.handle answers its own errors; anything else must not leave the request hanging.
      failed(e);
    } finally {
      if (entered) {
        leave();
      }
    }
  }

  /** The phase that ends the hop Warden sent: completes the send; Warden resumes the phase. */
  boolean responded(ClientPhase phase) {
    CompletableFuture<WardenResponse> sent = response;
    if (sent == null || sent.isDone()) {
      return false;
    }
    held = phase;
    boolean entered = enter();
    try {
      if (phase == ClientPhase.FAILURE) {
        Throwable failure = ctx.failure();
        if (failure == null) {
          failure = new IOException("request failed");
        }
        // Warden tells the client's failures from its own bugs by their type: an unchecked one
        // (VertxException,
        // HttpClosedException) is wrapped here; the application gets the original when the phase
        // goes on.
        sent.completeExceptionally(ClientFailure.of(failure));
      } else {
        HttpClientResponse received = ctx.clientResponse();
        sent.complete(
            new WardenResponse(
                received.statusCode(), headers(received.headers()), received, () -> {}));
      }
    } finally {
      if (entered) {
        leave();
      }
    }
    return true;
  }

  @Override
  public WardenRequest request() {
    return request;
  }

  @Override
  public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
    CompletableFuture<WardenResponse> sent = new CompletableFuture<>();
    try {
      apply(outgoing);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    response = sent;
    resume(ctx::next);
    return sent;
  }

  /**
   * Warden's changes (the site's credential, the application's removed) go into this hop's options
   * only.
   */
  private void apply(WardenRequest outgoing) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, List<String>> field : outgoing.headers().map().entrySet()) {
      for (String value : field.getValue()) {
        headers.add(field.getKey(), value);
      }
    }
    options.setHeaders(headers);
    if (!outgoing.uri().equals(request.uri())) {
      options.setURI(pathAndQuery(outgoing.uri()));
    }
    // Decided: Vert.x core's hook, underneath, lets it go as it is.
    dev.warden.agent.hook.CallOrigin.markDecided(options);
  }

  @Override
  public CompletableFuture<Void> toNative(WardenResponse response, WardenRequest sent) {
    resume(ctx::next);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<Void> answer(Answer answer) {
    ClientPhase wasHeld = held;
    if (wasHeld == ClientPhase.RECEIVE_RESPONSE || wasHeld == ClientPhase.FOLLOW_REDIRECT) {
      // The network's response is dropped (Warden answers instead, after an internal error): let
      // its body drain.
      HttpClientResponse received = ctx.clientResponse();
      if (received != null) {
        received.resume();
      }
    }
    SyntheticResponses.of(ctx, answer)
        .whenComplete(
            (made, error) ->
                resume(
                    () -> {
                      if (made != null && made.response() != null) {
                        ((HttpContext<Object>) ctx)
                            .dispatchResponse((HttpResponse<Object>) made.response());
                      } else {
                        ctx.fail(made != null ? made.failure() : new IOException(answer.message()));
                      }
                    }));
    return CompletableFuture.completedFuture(null);
  }

  /** Warden's future failed: the client's own failure goes on as the client raised it. */
  private void failed(Throwable cause) {
    if (held == ClientPhase.FAILURE) {
      resume(ctx::next);
    } else {
      resume(() -> ctx.fail(cause));
    }
  }

  /**
   * The interceptor chain goes on once per request: Jira's 429 reaches the application (its scope
   * still pauses).
   */
  @Override
  public boolean resendable() {
    return false;
  }

  private synchronized boolean enter() {
    if (inside == Thread.currentThread()) {
      return false;
    }
    inside = Thread.currentThread();
    return true;
  }

  private void leave() {
    Runnable action;
    synchronized (this) {
      inside = null;
      action = deferred;
      deferred = null;
    }
    if (action != null) {
      action.run();
    }
  }

  /** Goes on with the chain: see the class comment for which thread does. */
  private void resume(Runnable action) {
    boolean here;
    synchronized (this) {
      if (inside != null && inside != Thread.currentThread()) {
        deferred = action;
        return;
      }
      here = inside != null;
    }
    if (here || context == null || Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  static Headers headers(MultiMap map) {
    if (map == null) {
      return Headers.EMPTY;
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (String name : map.names()) {
      fields.put(name, map.getAll(name));
    }
    return Headers.of(fields);
  }

  /**
   * The body's bytes when it is in memory (WebClient 5 has encoded JSON into a buffer by now; 4 has
   * not).
   */
  static byte[] bytes(Object body) {
    try {
      byte[] bytes;
      if (body instanceof Buffer buffer) {
        bytes = buffer.length() > Body.MAX_BYTES ? null : buffer.getBytes();
      } else if (body instanceof JsonObject json) {
        bytes = json.encode().getBytes(StandardCharsets.UTF_8);
      } else if (body instanceof JsonArray json) {
        bytes = json.encode().getBytes(StandardCharsets.UTF_8);
      } else if (body.getClass().getName().startsWith("io.vertx.")) {
        // A stream, a pipe, a form: not read here.
        bytes = null;
      } else {
        // A POJO given to sendJson (4.x): WebClient encodes it the same way.
        bytes = Json.encode(body).getBytes(StandardCharsets.UTF_8);
      }
      return bytes != null && bytes.length <= Body.MAX_BYTES ? bytes : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The hop's absolute URI; characters a URI may not hold (WebClient sends them as given) are
   * escaped.
   */
  static URI uri(String scheme, String host, int port, String requestUri) {
    StringBuilder text =
        new StringBuilder(64)
            .append(scheme)
            .append("://")
            .append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
    if (port != SiteUrl.defaultPort(scheme)) {
      text.append(':').append(port);
    }
    String path = requestUri == null || requestUri.isEmpty() ? "/" : requestUri;
    text.append(path.startsWith("/") ? "" : "/").append(path);
    try {
      return new URI(text.toString());
    } catch (URISyntaxException e) {
      return URI.create(escape(text.toString()));
    }
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean percentEscape =
          b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) && hex(bytes[i + 2]);
      if (b <= 0x20 || b >= 0x7f || "\"<>\\^`{|}".indexOf(b) >= 0 || (b == '%' && !percentEscape)) {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      } else {
        out.append((char) b);
      }
    }
    return out.toString();
  }

  private static boolean hex(byte b) {
    return Character.digit(b, 16) >= 0;
  }

  static String pathAndQuery(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }
}
