package dev.warden.agent.hook.jdk.httpclient;

import dev.warden.agent.bootstrap.Answer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSession;

/**
 * Warden's answer as a real {@code HttpResponse}: its body goes through the application's own
 * {@code BodyHandler}, so the application gets the type it asked for (a String, a stream, its own
 * JSON mapping) exactly as for a response from Jira.
 */
final class SyntheticHttpResponse<T> implements HttpResponse<T> {

  private final Answer answer;
  private final HttpHeaders headers;
  private final HttpRequest request;
  private final T body;

  private SyntheticHttpResponse(Answer answer, HttpHeaders headers, HttpRequest request, T body) {
    this.answer = answer;
    this.headers = headers;
    this.request = request;
    this.body = body;
  }

  /** Feeds the answer's body to the application's handler and completes with the response. */
  static <T> CompletableFuture<HttpResponse<T>> of(
      Answer answer, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    HttpHeaders headers = HttpHeaders.of(answer.headers().map(), (name, value) -> true);
    ResponseInfo info =
        new ResponseInfo() {
          @Override
          public int statusCode() {
            return answer.status();
          }

          @Override
          public HttpHeaders headers() {
            return headers;
          }

          @Override
          public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
          }
        };
    BodySubscriber<T> subscriber = handler.apply(info);
    byte[] bytes = answer.body();
    AtomicBoolean done = new AtomicBoolean();
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            if (!done.compareAndSet(false, true)) {
              return;
            }
            if (n <= 0) {
              subscriber.onError(new IllegalArgumentException("non-positive request: " + n));
              return;
            }
            subscriber.onNext(List.of(ByteBuffer.wrap(bytes)));
            subscriber.onComplete();
          }

          @Override
          public void cancel() {
            done.set(true);
          }
        });
    return subscriber
        .getBody()
        .toCompletableFuture()
        .thenApply(body -> new SyntheticHttpResponse<>(answer, headers, request, body));
  }

  @Override
  public int statusCode() {
    return answer.status();
  }

  @Override
  public HttpRequest request() {
    return request;
  }

  @Override
  public Optional<HttpResponse<T>> previousResponse() {
    return Optional.empty();
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }

  @Override
  public T body() {
    return body;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return Optional.empty();
  }

  @Override
  public URI uri() {
    return request.uri();
  }

  @Override
  public HttpClient.Version version() {
    return HttpClient.Version.HTTP_1_1;
  }

  @Override
  public String toString() {
    return "(" + request.method() + " " + request.uri() + ") " + answer.status();
  }
}
