package com.acme.http;

import com.acme.Step;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Calls through Micronaut's Netty {@code HttpClient} 4, made without an application context, one
 * per origin: {@code micronaut} blocks ({@code toBlocking()}), {@code micronaut-async} subscribes
 * to {@code exchange} and takes the response on the event loop.
 */
public final class MicronautJiraHttp implements JiraHttp {

  private final DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
  private final boolean async;

  public MicronautJiraHttp(boolean async, Options options) {
    this.async = async;
    configuration.setFollowRedirects(options.followRedirects);
    configuration.setConnectTimeout(Duration.ofMillis(options.connectTimeoutMillis));
    configuration.setReadTimeout(Duration.ofMillis(options.readTimeoutMillis));
  }

  @Override
  public Result send(Step step) throws Exception {
    URI uri = URI.create(step.url);
    HttpClient client =
        clients.computeIfAbsent(uri.getScheme() + "://" + uri.getRawAuthority(), this::create);
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    MutableHttpRequest<Object> request = HttpRequest.create(HttpMethod.parse(step.method), target);
    step.headers.forEach(request::header);
    if (step.body != null) {
      request.body(step.body);
    }
    HttpResponse<String> response;
    try {
      response =
          async
              ? first(client.exchange(request, String.class))
              : client.toBlocking().exchange(request, String.class);
    } catch (HttpClientResponseException e) {
      response = answered(e);
    }
    Result result = new Result();
    result.status = response.code();
    result.headers = JiraHttp.interesting(response.getHeaders().asMap());
    result.body = response.getBody(String.class).orElse("");
    result.visibleAuthorization = request.getHeaders().get("Authorization");
    result.version = "HTTP_1_1";
    return result;
  }

  @SuppressWarnings("unchecked")
  private static HttpResponse<String> answered(HttpClientResponseException e) {
    return (HttpResponse<String>) e.getResponse();
  }

  /** The publisher's one response, as the application's callback on the event loop takes it. */
  private static HttpResponse<String> first(
      org.reactivestreams.Publisher<HttpResponse<String>> exchange) throws Exception {
    CompletableFuture<HttpResponse<String>> seen = new CompletableFuture<>();
    exchange.subscribe(
        new Subscriber<>() {
          @Override
          public void onSubscribe(Subscription subscription) {
            subscription.request(1);
          }

          @Override
          public void onNext(HttpResponse<String> response) {
            seen.complete(response);
          }

          @Override
          public void onError(Throwable error) {
            seen.completeExceptionally(error);
          }

          @Override
          public void onComplete() {
            seen.completeExceptionally(new IllegalStateException("no response"));
          }
        });
    try {
      return seen.get(90, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HttpClientResponseException answered) {
        return answered(answered);
      }
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private HttpClient create(String origin) {
    try {
      return HttpClient.create(new URL(origin), configuration);
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException(origin, e);
    }
  }
}
