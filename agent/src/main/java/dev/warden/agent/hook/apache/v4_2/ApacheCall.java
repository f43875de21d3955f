package dev.warden.agent.hook.apache.v4_2;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.pipeline.HeaderEdits;
import dev.warden.agent.pipeline.RequestCredentials;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpException;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.HttpVersion;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.message.BasicHeader;
import org.apache.http.message.BasicHttpResponse;
import org.apache.http.message.BasicStatusLine;
import org.apache.http.util.EntityUtils;

/**
 * One Apache HttpClient 4 request as Warden handles it; how it is sent is up to the hook that made
 * it. Its static helpers (header conversion, bodies, answers) are shared with the HttpAsyncClient
 * hook.
 */
public final class ApacheCall implements ClientCall<HttpResponse> {

  /** Sends a request through the client, Warden's changes applied. */
  @FunctionalInterface
  interface Sender {
    /**
     * @param request the request to send
     * @param readBack what the request objects the application can reach must show afterwards
     */
    HttpResponse send(WardenRequest request, HeaderEdits readBack)
        throws IOException, HttpException;
  }

  /** Makes a response object of the type the hooked method returns. */
  @FunctionalInterface
  interface Responses {
    HttpResponse of(BasicHttpResponse response);
  }

  private final WardenRequest request;
  private final Sender sender;
  private final Responses responses;
  private final RedirectPolicy redirects;
  private final boolean proxied;

  ApacheCall(
      HttpRequest original,
      URI uri,
      Sender sender,
      Responses responses,
      RedirectPolicy redirects,
      boolean proxied) {
    this.proxied = proxied;
    this.request =
        new WardenRequest(
            original.getRequestLine().getMethod(),
            uri,
            headers(original.getAllHeaders()),
            body(original));
    this.sender = sender;
    this.responses = responses;
    this.redirects = redirects;
  }

  @Override
  public boolean forwardProxied(URI uri) {
    return proxied;
  }

  /**
   * After a hop: the request objects the application can reach once the call returns (the context's
   * {@code http.request}, which the client points at the request it sent, and any named) show what
   * {@link RequestCredentials#readBack} says, never Warden's credential.
   */
  public static void scrub(
      org.apache.http.protocol.HttpContext context, HeaderEdits readBack, HttpRequest... held) {
    Object inContext = context == null ? null : context.getAttribute("http.request");
    if (inContext instanceof HttpRequest sent) {
      readBack.applyTo(sent::removeHeaders, sent::addHeader);
    }
    for (HttpRequest request : held) {
      if (request != null && request != inContext) {
        readBack.applyTo(request::removeHeaders, request::addHeader);
      }
    }
  }

  public static Headers headers(Header[] fields) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Header field : fields) {
      map.computeIfAbsent(field.getName(), k -> new ArrayList<>(1)).add(field.getValue());
    }
    return Headers.of(map);
  }

  public static Header[] fields(Headers headers) {
    List<Header> fields = new ArrayList<>();
    headers
        .map()
        .forEach(
            (name, values) -> values.forEach(value -> fields.add(new BasicHeader(name, value))));
    return fields.toArray(new Header[0]);
  }

  /** A repeatable entity of known, modest length is read; anything else is left alone. */
  public static Body body(HttpRequest request) {
    if (!(request instanceof HttpEntityEnclosingRequest enclosing)
        || enclosing.getEntity() == null) {
      return Body.NONE;
    }
    HttpEntity entity = enclosing.getEntity();
    return Body.lazy(
        () -> {
          if (!entity.isRepeatable()
              || entity.getContentLength() < 0
              || entity.getContentLength() > Body.MAX_BYTES) {
            return null;
          }
          // Written out as the client would send it: some entities cannot be read as a stream.
          try {
            java.io.ByteArrayOutputStream out =
                new java.io.ByteArrayOutputStream((int) entity.getContentLength());
            entity.writeTo(out);
            return out.toByteArray();
          } catch (IOException | RuntimeException e) {
            return null;
          }
        });
  }

  /** The request's URI as a server sees it in a request line: path and query. */
  public static URI relative(URI uri) {
    return URI.create(
        (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  @Override
  public WardenRequest request() {
    return request;
  }

  @Override
  public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
    try {
      HttpResponse response = sender.send(outgoing, RequestCredentials.readBack(request.headers()));
      HttpEntity entity = response.getEntity();
      return CompletableFuture.completedFuture(
          new WardenResponse(
              response.getStatusLine().getStatusCode(),
              headers(response.getAllHeaders()),
              response,
              () -> consume(entity),
              () -> entity == null ? new byte[0] : EntityUtils.toByteArray(entity)));
    } catch (IOException | HttpException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static void consume(HttpEntity entity) {
    try {
      EntityUtils.consume(entity);
    } catch (IOException e) {
      // The connection is not reused; nothing else to do.
    }
  }

  @Override
  public CompletableFuture<HttpResponse> toNative(WardenResponse response, WardenRequest sent) {
    return CompletableFuture.completedFuture((HttpResponse) response.nativeResponse());
  }

  @Override
  public CompletableFuture<HttpResponse> answer(Answer answer) {
    return CompletableFuture.completedFuture(responses.of(response(answer)));
  }

  /** Warden's answer as an HttpCore response with its body. */
  public static BasicHttpResponse response(Answer answer) {
    BasicHttpResponse response =
        new BasicHttpResponse(
            new BasicStatusLine(HttpVersion.HTTP_1_1, answer.status(), answer.reason()));
    response.setHeaders(fields(answer.headers()));
    ByteArrayEntity entity = new ByteArrayEntity(answer.body());
    entity.setContentType(answer.headers().first("Content-Type"));
    response.setEntity(entity);
    return response;
  }

  @Override
  public RedirectPolicy redirects() {
    return redirects;
  }

  @Override
  public boolean sharesResponses() {
    return true;
  }

  @Override
  public boolean blocking() {
    return true;
  }
}
