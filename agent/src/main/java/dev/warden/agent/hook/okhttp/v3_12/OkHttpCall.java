package dev.warden.agent.hook.okhttp.v3_12;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.pipeline.RequestCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;

/**
 * One OkHttp request as Warden handles it, from an interceptor: sent by proceeding down the chain,
 * answered with an OkHttp {@code Response} (or, from the network interceptor, which cannot answer,
 * an {@code IOException}).
 */
final class OkHttpCall implements ClientCall<Response> {

  private final Interceptor.Chain chain;
  private final Request original;
  private final boolean canAnswer;
  private final WardenRequest request;

  OkHttpCall(Interceptor.Chain chain, boolean canAnswer) {
    this.chain = chain;
    this.original = chain.request();
    this.canAnswer = canAnswer;
    RequestBody body = original.body();
    this.request =
        new WardenRequest(
            original.method(),
            uri(original.url()),
            headers(original.headers()),
            body == null ? Body.NONE : Body.lazy(() -> read(body)));
  }

  /**
   * The URL as a {@code URI}. {@code HttpUrl.uri()} re-encodes the whole URL (compiling a regular
   * expression each time, in OkHttp 4) for the few characters {@code URI} refuses, so it is only
   * the fallback when the URL as written is no valid {@code URI}.
   */
  static URI uri(HttpUrl url) {
    try {
      return new URI(url.toString());
    } catch (URISyntaxException e) {
      return url.uri();
    }
  }

  private static Headers headers(okhttp3.Headers fields) {
    return Headers.of(fields.size(), fields::name, fields::value);
  }

  /** The body's bytes, when it has a known length and can be written out more than once. */
  private static byte[] read(RequestBody body) {
    try {
      long length = body.contentLength();
      if (length < 0 || length > Body.MAX_BYTES) {
        return null;
      }
      Buffer buffer = new Buffer();
      body.writeTo(buffer);
      return buffer.readByteArray();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public WardenRequest request() {
    return request;
  }

  @Override
  public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
    try {
      Response response = chain.proceed(build(outgoing));
      return CompletableFuture.completedFuture(
          new WardenResponse(
              response.code(),
              headers(response.headers()),
              response,
              response::close,
              canAnswer ? () -> bytes(response) : null));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static byte[] bytes(Response response) throws IOException {
    try (response) {
      return response.body() == null ? new byte[0] : response.body().bytes();
    }
  }

  private Request build(WardenRequest outgoing) {
    okhttp3.Headers.Builder headers = new okhttp3.Headers.Builder();
    for (Map.Entry<String, List<String>> field : outgoing.headers().map().entrySet()) {
      for (String value : field.getValue()) {
        headers.add(field.getKey(), value);
      }
    }
    // The pipeline passes the request's URI on unchanged unless it edits it: no need to parse it.
    HttpUrl url =
        outgoing.uri() == request.uri() ? original.url() : HttpUrl.get(outgoing.uri().toString());
    return original
        .newBuilder()
        .url(url)
        .headers(headers.build())
        .method(outgoing.method(), body(outgoing.body()))
        .tag(Decided.class, new Decided(url))
        .build();
  }

  private RequestBody body(Body body) {
    if (body.wasRead() && body != Body.NONE) {
      RequestBody app = original.body();
      return RequestBody.create(app == null ? null : app.contentType(), body.bytes());
    }
    return original.body();
  }

  /**
   * Jira's response, with the request as the application made it: the one sent carries the site's
   * credential. So do the requests of the responses it links to (the network response's, a prior
   * response's): they show the application's own {@code Authorization} instead.
   */
  @Override
  public CompletableFuture<Response> toNative(WardenResponse response, WardenRequest sent) {
    Response network = (Response) response.nativeResponse();
    return CompletableFuture.completedFuture(
        network
            .newBuilder()
            .request(original)
            .networkResponse(asSeen(network.networkResponse()))
            .cacheResponse(asSeen(network.cacheResponse()))
            .priorResponse(asSeen(network.priorResponse()))
            .build());
  }

  /**
   * A linked response (no body), its request carrying the application's own {@code Authorization},
   * and so on down.
   */
  private Response asSeen(Response hop) {
    if (hop == null) {
      return null;
    }
    Request seen = hop.request();
    if (RequestCredentials.carried(seen::header)) {
      // A hop that carried a credential shows what the application may read instead (a hop OkHttp
      // stripped stays without).
      Request.Builder request = seen.newBuilder();
      RequestCredentials.readBack(this.request.headers())
          .applyTo(request::removeHeader, request::addHeader);
      seen = request.build();
    }
    return hop.newBuilder()
        .request(seen)
        .networkResponse(asSeen(hop.networkResponse()))
        .cacheResponse(asSeen(hop.cacheResponse()))
        .priorResponse(asSeen(hop.priorResponse()))
        .build();
  }

  @Override
  public CompletableFuture<Response> answer(Answer answer) {
    if (!canAnswer) {
      return CompletableFuture.failedFuture(new IOException(answer.message()));
    }
    Response.Builder response =
        new Response.Builder()
            .request(original)
            .protocol(Protocol.HTTP_1_1)
            .code(answer.status())
            .message(answer.reason());
    answer
        .headers()
        .map()
        .forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
    MediaType type = MediaType.parse(answer.headers().first("Content-Type"));
    return CompletableFuture.completedFuture(
        response.body(ResponseBody.create(type, answer.body())).build());
  }

  @Override
  public boolean blocking() {
    return true;
  }

  @Override
  public boolean sharesResponses() {
    return canAnswer;
  }

  /**
   * A network interceptor must call {@code proceed} exactly once (a redirect hop to another host is
   * seen there).
   */
  /**
   * A hop sent from Warden's network interceptor (a redirect OkHttp follows) has its connection:
   * through a proxy or not. The first hop's connection is checked there, before it is written.
   */
  @Override
  public boolean forwardProxied(java.net.URI uri) {
    okhttp3.Connection connection = chain.connection();
    return connection != null && dev.warden.agent.hook.Proxies.through(connection.route().proxy());
  }

  @Override
  public boolean resendable() {
    return canAnswer;
  }
}
