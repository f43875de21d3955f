package dev.warden.agent.hook.jetty.v12;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.log.Log;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.RequestCredentials;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.client.transport.ResponseListeners;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;

/**
 * One request the application sent through Jetty, as Warden handles it. The application's request
 * is never sent: each hop is a copy made from Warden's request ({@code HttpClient.newRequest}, with
 * the application's method, version, timeouts, tag, attributes and body), so the object the
 * application holds never carries the site's credential, and Jetty's own redirect handling is off
 * on it ({@link #redirects()} has Warden follow redirects the way Jetty would, each hop decided
 * anew). The response to a copy reaches the application's listeners through a {@link Relay}; a
 * Warden answer is notified to them as Jetty notifies a response a protocol handler buffered. Its
 * native "response" is the application's listeners having been served.
 */
final class JettyCall implements ClientCall<Void> {

  /** The statuses Jetty's {@code HttpRedirector} follows. */
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  /**
   * The application's requests Warden has taken over and not yet finished, for {@link AbortHook}.
   */
  private static final Map<Object, JettyCall> TAKEN =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final HttpClient client;
  private final HttpRequest original;
  private final Request.Content content;
  private final WardenRequest request;
  private final RedirectPolicy redirects;
  private final long deadline;
  private final AtomicBoolean finished = new AtomicBoolean();

  /** Whether it leads identical requests ({@code coalesce}): its response is read whole. */
  private volatile boolean leading;

  private final AtomicInteger hops = new AtomicInteger();
  private volatile HttpRequest current;
  private volatile Throwable aborted;

  /**
   * @param streamed the application's streamed body as Warden read it (see {@link
   *     StreamedContent}), or {@code null} when the body, if any, can be read again at will
   */
  @Override
  public boolean forwardProxied(URI uri) {
    return client
            .getProxyConfiguration()
            .match(
                new org.eclipse.jetty.client.Origin(
                    uri.getScheme(),
                    dev.warden.policy.SiteUrl.hostOf(uri),
                    dev.warden.policy.SiteUrl.effectivePort(uri)))
        != null;
  }

  JettyCall(
      HttpClient client,
      HttpRequest original,
      Response.CompleteListener listener,
      URI uri,
      StreamedContent streamed) {
    this.client = client;
    this.original = original;
    this.content = streamed != null ? streamed : original.getBody();
    Request.Content body = content;
    byte[] streamedBytes = streamed == null ? null : streamed.bytes();
    this.request =
        new WardenRequest(
            original.getMethod(),
            uri,
            headers(original),
            body == null
                ? Body.NONE
                : streamedBytes != null
                    ? Body.of(streamedBytes)
                    : Body.lazy(() -> streamed == null ? read(body) : null));
    this.redirects = redirectPolicy(client, original);
    this.deadline =
        original.getTimeout() > 0
            ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(original.getTimeout())
            : 0;
    // What HttpRequest.sendAsync does with the listener: from here on, the request's listeners are
    // the ones to notify.
    if (listener != null) {
      original.getResponseListeners().addCompleteListener(listener, true);
    }
    TAKEN.put(original, this);
  }

  /** The call that took over this application request, if it is still under way. */
  static JettyCall takenOver(Object request) {
    return TAKEN.get(request);
  }

  /**
   * The request's header fields, with its cookies (which Jetty would write as a {@code Cookie}
   * field) among them.
   */
  private static Headers headers(HttpRequest original) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (HttpField field : original.getHeaders()) {
      map.computeIfAbsent(field.getName(), k -> new ArrayList<>(1)).add(field.getValue());
    }
    List<HttpCookie> cookies = original.getCookies();
    if (cookies != null && !cookies.isEmpty()) {
      StringBuilder pairs = new StringBuilder();
      for (HttpCookie cookie : cookies) {
        pairs
            .append(pairs.length() == 0 ? "" : "; ")
            .append(cookie.getName())
            .append('=')
            .append(cookie.getValue());
      }
      map.computeIfAbsent(
              org.eclipse.jetty.http.HttpHeader.COOKIE.asString(), k -> new ArrayList<>(1))
          .add(pairs.toString());
    }
    return Headers.of(map);
  }

  static Headers headers(HttpFields fields) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (HttpField field : fields) {
      map.computeIfAbsent(field.getName(), k -> new ArrayList<>(1)).add(field.getValue());
    }
    return Headers.of(map);
  }

  /**
   * The body's bytes, when it can be read again ({@code rewind()}, as Jetty's redirector asks of
   * it: {@code StringRequestContent}, {@code BytesRequestContent}, a file...) and is in memory, up
   * to 1 MiB; it is rewound afterwards, so it could still be sent as it is.
   */
  static byte[] read(Request.Content body) {
    if (body.getLength() > Body.MAX_BYTES || !body.rewind()) {
      return null;
    }
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(body.getLength() > 0 ? (int) body.getLength() : 256);
    try {
      while (true) {
        Content.Chunk chunk = body.read();
        if (chunk == null || Content.Chunk.isFailure(chunk)) {
          // Not available without waiting (a stream), or failed.
          return null;
        }
        try {
          ByteBuffer bytes = chunk.getByteBuffer().duplicate();
          byte[] copy = new byte[bytes.remaining()];
          bytes.get(copy);
          out.write(copy, 0, copy.length);
        } finally {
          chunk.release();
        }
        if (out.size() > Body.MAX_BYTES) {
          return null;
        }
        if (chunk.isLast()) {
          return out.toByteArray();
        }
      }
    } catch (RuntimeException e) {
      return null;
    } finally {
      body.rewind();
    }
  }

  /**
   * How Jetty's {@code HttpRedirector} follows: 301/302 turn a POST into a GET, 303 everything but
   * HEAD, to any scheme.
   */
  private static RedirectPolicy redirectPolicy(HttpClient client, HttpRequest original) {
    int max = client.getMaxRedirects();
    if (!original.isFollowRedirects() || max == 0) {
      return RedirectPolicy.NONE;
    }
    return new RedirectPolicy(
        REDIRECTS, max < 0 ? Integer.MAX_VALUE : max, true, true, Set.of(301, 302));
  }

  @Override
  public WardenRequest request() {
    return request;
  }

  @Override
  public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
    CompletableFuture<WardenResponse> response = new CompletableFuture<>();
    Throwable abort = aborted;
    if (abort != null) {
      response.completeExceptionally(abort);
      return response;
    }
    int hop = hops.getAndIncrement();
    long timeout = original.getTimeout();
    if (hop > 0 && deadline != 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        // As Jetty's redirector fails a redirect past the request's total timeout.
        response.completeExceptionally(
            new TimeoutException("Total timeout " + original.getTimeout() + " ms elapsed"));
        return response;
      }
      timeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
    }
    HttpRequest copy;
    try {
      copy = copy(outgoing, hop, timeout);
    } catch (RuntimeException e) {
      response.completeExceptionally(e);
      return response;
    }
    current = copy;
    try (Bypass.Scope bypass = Bypass.open()) {
      // Straight to the destination, as HttpRequest.send does, past 12.1's redirect cache: Warden
      // follows redirects itself.
      client.resolveDestination(copy).send(copy, new Relay(this, copy, response));
    } catch (RuntimeException e) {
      response.completeExceptionally(e);
    }
    abort = aborted;
    if (abort != null) {
      copy.abort(abort);
    }
    return response;
  }

  private HttpRequest copy(WardenRequest outgoing, int hop, long timeout) {
    HttpRequest copy = (HttpRequest) client.newRequest(outgoing.uri());
    copy.method(outgoing.method());
    if (original.isVersionExplicit()) {
      copy.version(original.getVersion());
    }
    boolean sameOrigin = sameOrigin(outgoing.uri(), request.uri());
    copy.headers(
        fields -> {
          fields.clear();
          outgoing
              .headers()
              .map()
              .forEach(
                  (name, values) -> {
                    if (sameOrigin || !"Host".equalsIgnoreCase(name)) {
                      values.forEach(value -> fields.add(name, value));
                    }
                  });
        });
    copy.body(body(outgoing.body(), hop));
    copy.timeout(timeout, TimeUnit.MILLISECONDS);
    copy.idleTimeout(original.getIdleTimeout(), TimeUnit.MILLISECONDS);
    copy.followRedirects(false);
    copy.tag(original.getTag());
    if (original.getTransport() != null) {
      copy.transport(original.getTransport());
    }
    if (original.getTrailersSupplier() != null) {
      copy.trailersSupplier(original.getTrailersSupplier());
    }
    original.getAttributes().forEach(copy::attribute);
    if (hop == 0) {
      // The application's request listeners hear of the first hop as of their own request (Jetty's
      // redirect copies have none).
      copy.onRequestQueued(r -> original.notifyQueued())
          .onRequestBegin(r -> original.notifyBegin())
          .onRequestHeaders(r -> original.notifyHeaders())
          .onRequestCommit(r -> original.notifyCommit())
          .onRequestContent((r, bytes) -> original.notifyContent(bytes))
          .onRequestSuccess(r -> original.notifySuccess())
          .onRequestFailure((r, failure) -> original.notifyFailure(failure));
    }
    Headers decided = RequestCredentials.decided(outgoing.headers());
    if (RequestCredentials.authenticated(decided)) {
      copy.getConversation().setAttribute(WardenSent.KEY, new WardenSent(decided));
    }
    return copy;
  }

  private Request.Content body(Body body, int hop) {
    if (body == Body.NONE || content == null) {
      return null;
    }
    if (body.wasRead()) {
      return new BytesRequestContent(content.getContentType(), body.bytes());
    }
    if (hop > 0) {
      // A 307/308 repeats the body, as Jetty's redirector does when it can be rewound.
      content.rewind();
    }
    return content;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && java.util.Objects.equals(
            dev.warden.policy.SiteUrl.canonicalHost(dev.warden.policy.SiteUrl.hostOf(a)),
            dev.warden.policy.SiteUrl.canonicalHost(dev.warden.policy.SiteUrl.hostOf(b)))
        && HttpClient.normalizePort(a.getScheme(), a.getPort())
            == HttpClient.normalizePort(b.getScheme(), b.getPort());
  }

  @Override
  public CompletableFuture<Void> toNative(WardenResponse response, WardenRequest sent) {
    ((Relay) response.nativeResponse()).deliver();
    return CompletableFuture.completedFuture(null);
  }

  /**
   * A response with a {@code Content-Length} within what coalescing shares is read whole when it
   * leads identical requests ({@link Relay}), and made again from its bytes.
   */
  @Override
  public boolean sharesResponses() {
    return true;
  }

  @Override
  public void leadsOthers() {
    leading = true;
  }

  /** Whether this call leads identical ones, its response read whole. */
  boolean leading() {
    return leading;
  }

  @Override
  public CompletableFuture<Void> answer(Answer answer) {
    Throwable abort = aborted;
    if (abort != null) {
      fail(abort);
      return CompletableFuture.completedFuture(null);
    }
    if (!finished.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    TAKEN.remove(original);
    // On the client's threads, as Jetty notifies a response.
    dispatch(
        () -> {
          AppResponse view = new AppResponse(original, this);
          view.version(HttpVersion.HTTP_1_1).status(answer.status()).reason(answer.reason());
          answer
              .headers()
              .map()
              .forEach(
                  (name, values) ->
                      values.forEach(value -> view.addHeader(new HttpField(name, value))));
          String type = answer.headers().first("Content-Type");
          ContentResponse buffered =
              ContentResponse.from(view, answer.body(), mediaType(type), encoding(type));
          // Begin, each header, headers, the content, success, complete: as a protocol handler
          // forwards a response.
          original.getResponseListeners().emitSuccessComplete(new Result(original, buffered));
        });
    return CompletableFuture.completedFuture(null);
  }

  private void dispatch(Runnable task) {
    Executor executor = client.getExecutor();
    if (executor != null) {
      try {
        executor.execute(task);
        return;
      } catch (RejectedExecutionException e) {
        Log.get().debug("Jetty's executor refused Warden's answer; notified on this thread");
      }
    }
    task.run();
  }

  static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }

  static String encoding(String contentType) {
    if (contentType == null) {
      return null;
    }
    for (String parameter : contentType.split(";")) {
      String trimmed = parameter.trim();
      if (trimmed.toLowerCase(Locale.ROOT).startsWith("charset=")) {
        return trimmed.substring("charset=".length()).replace("\"", "").trim();
      }
    }
    return null;
  }

  /**
   * Warden failed the call: the client's own failure before a response, an abort, or an internal
   * error.
   */
  void fail(Throwable error) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    TAKEN.remove(original);
    AppResponse view = new AppResponse(original, this);
    ResponseListeners listeners = original.getResponseListeners();
    listeners.notifyFailure(view, error);
    listeners.notifyComplete(new Result(original, error, view, error));
  }

  /** The delivered response completed: the application's complete listeners hear of it, once. */
  void complete(Result result) {
    if (finished.compareAndSet(false, true)) {
      TAKEN.remove(original);
      original.getResponseListeners().notifyComplete(result);
    }
  }

  /**
   * The application aborted its request: so is Warden's copy in flight, and no copy is sent after.
   */
  CompletableFuture<Boolean> abort(Throwable cause) {
    if (aborted == null) {
      aborted = cause;
    }
    HttpRequest copy = current;
    return copy == null ? CompletableFuture.completedFuture(false) : copy.abort(cause);
  }

  HttpRequest original() {
    return original;
  }

  @Override
  public RedirectPolicy redirects() {
    return redirects;
  }
}
