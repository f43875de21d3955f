package dev.warden.agent.hook.jdk.httpclient;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.pipeline.Bypass;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code send} or {@code sendAsync} of a {@code java.net.http.HttpClient}, as Warden handles
 * it.
 */
final class JdkHttpCall<T> implements ClientCall<HttpResponse<T>> {

  /** What the JDK's client does with {@code Redirect.NORMAL}: never from https to http. */
  static final RedirectPolicy NORMAL =
      new RedirectPolicy(
          Set.of(301, 302, 303, 307, 308), redirectLimit(), true, false, Set.of(301, 302));

  /** And with {@code Redirect.ALWAYS}. */
  static final RedirectPolicy ALWAYS =
      new RedirectPolicy(
          Set.of(301, 302, 303, 307, 308), redirectLimit(), true, true, Set.of(301, 302));

  private final HttpClient client;
  private final HttpRequest original;
  private final HttpResponse.BodyHandler<T> handler;
  private final HttpResponse.PushPromiseHandler<T> pushPromiseHandler;
  private final RedirectFreeClients redirectFree;
  private final boolean blocking;
  private final WardenRequest request;
  private volatile Thread completedOn;

  JdkHttpCall(
      HttpClient client,
      HttpRequest original,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler,
      RedirectFreeClients redirectFree,
      boolean blocking) {
    this.client = client;
    this.blocking = blocking;
    this.original = original;
    this.handler = handler;
    this.pushPromiseHandler = pushPromiseHandler;
    this.redirectFree = redirectFree;
    Body body =
        original
            .bodyPublisher()
            .filter(publisher -> publisher.contentLength() != 0)
            .map(publisher -> Body.lazy(() -> PublisherBytes.read(publisher)))
            .orElse(Body.NONE);
    this.request =
        new WardenRequest(
            original.method(), original.uri(), Headers.of(original.headers().map()), body);
  }

  @Override
  public boolean forwardProxied(java.net.URI uri) {
    // Built without a selector, the client asks the JDK's default one.
    return dev.warden.agent.hook.Proxies.through(
        client.proxy().orElseGet(java.net.ProxySelector::getDefault), uri);
  }

  private static int redirectLimit() {
    return Math.max(1, Integer.getInteger("jdk.httpclient.redirects.retrylimit", 5));
  }

  /** Whether this call leads identical ones, its response read whole ({@link #leadsOthers}). */
  private volatile boolean leading;

  @Override
  public WardenRequest request() {
    return request;
  }

  /**
   * This call leads identical ones: its response is read into memory, shared, and fed to the
   * application's handler from there.
   */
  @Override
  public void leadsOthers() {
    leading = true;
  }

  @Override
  public boolean sharesResponses() {
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
    HttpRequest built = build(outgoing);
    boolean whole = leading;
    HttpResponse.BodyHandler<T> handled =
        info ->
            discarded.test(info.statusCode(), Headers.of(info.headers().map()))
                ? HttpResponse.BodySubscribers.replacing(null)
                : whole
                    ? (HttpResponse.BodySubscriber<T>) HttpResponse.BodySubscribers.ofByteArray()
                    : handler.apply(info);
    HttpClient target = redirectFree.of(client);
    if (blocking) {
      return sendOnThisThread(target, built, handled);
    }
    CompletableFuture<HttpResponse<T>> sent =
        Bypass.call(
            () ->
                pushPromiseHandler == null
                    ? target.sendAsync(built, handled)
                    : target.sendAsync(built, handled, pushPromiseHandler));
    return sent.thenApply(
        response -> {
          completedOn = Thread.currentThread();
          return neutral(response);
        });
  }

  /**
   * The thread the client last completed a {@code sendAsync} of this call on (one of the JDK's
   * default executor, as its {@code sendAsync} does), or {@code null}.
   */
  Thread completedOn() {
    return completedOn;
  }

  /**
   * A blocking {@code send} stays a blocking {@code send} on the caller's thread: the public {@code
   * sendAsync} would hand its completion to the JDK's default executor, which on one or two CPUs
   * starts a thread per call. A failure is the cause the client's {@code send} wrapped, so that the
   * application's {@code send} wraps it exactly once, as it would without Warden.
   */
  private CompletableFuture<WardenResponse> sendOnThisThread(
      HttpClient target, HttpRequest built, HttpResponse.BodyHandler<T> handled) {
    try (Bypass.Scope bypass = Bypass.open()) {
      return CompletableFuture.completedFuture(neutral(target.send(built, handled)));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e.getCause() != null ? e.getCause() : e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    }
  }

  private static WardenResponse neutral(HttpResponse<?> response) {
    if (response.body() instanceof byte[] bytes) {
      // Read whole for identical calls this one leads.
      return new WardenResponse(
          response.statusCode(),
          Headers.of(response.headers().map()),
          response,
          () -> {},
          () -> bytes);
    }
    return new WardenResponse(
        response.statusCode(), Headers.of(response.headers().map()), response, () -> {});
  }

  @Override
  public boolean blocking() {
    return blocking;
  }

  private HttpRequest build(WardenRequest outgoing) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(outgoing.uri()).expectContinue(original.expectContinue());
    original.timeout().ifPresent(builder::timeout);
    original.version().ifPresent(builder::version);
    builder.method(outgoing.method(), publisher(outgoing.body()));
    for (Map.Entry<String, List<String>> field : outgoing.headers().map().entrySet()) {
      for (String value : field.getValue()) {
        try {
          builder.header(field.getKey(), value);
        } catch (IllegalArgumentException restricted) {
          // A header the client sets itself (Host, Content-Length, ...): it will.
        }
      }
    }
    return builder.build();
  }

  private HttpRequest.BodyPublisher publisher(Body body) {
    if (body == Body.NONE) {
      return HttpRequest.BodyPublishers.noBody();
    }
    if (body.wasRead()) {
      return HttpRequest.BodyPublishers.ofByteArray(body.bytes());
    }
    return original.bodyPublisher().orElseGet(HttpRequest.BodyPublishers::noBody);
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<HttpResponse<T>> toNative(WardenResponse response, WardenRequest sent) {
    HttpRequest view =
        sent.uri().equals(original.uri()) && sent.method().equals(original.method())
            ? original
            : build(sent);
    if (leading && response.body() != null) {
      // A leader no one followed: its bytes go to the application's handler now.
      try {
        byte[] bytes = response.body().read();
        return SyntheticHttpResponse.of(
            new Answer(response.status(), null, response.headers(), bytes, null), view, handler);
      } catch (java.io.IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.completedFuture(
        new ShieldedHttpResponse<>((HttpResponse<T>) response.nativeResponse(), view));
  }

  @Override
  public CompletableFuture<HttpResponse<T>> answer(Answer answer) {
    return SyntheticHttpResponse.of(answer, original, handler);
  }

  @Override
  public RedirectPolicy redirects() {
    return switch (client.followRedirects()) {
      case NEVER -> RedirectPolicy.NONE;
      case ALWAYS -> ALWAYS;
      default -> NORMAL;
    };
  }
}
