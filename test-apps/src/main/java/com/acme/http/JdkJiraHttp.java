package com.acme.http;

import com.acme.Step;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Calls through {@code java.net.http.HttpClient}, blocking or asynchronous. */
public final class JdkJiraHttp implements JiraHttp {

  private final HttpClient client;
  private final boolean async;

  private final Duration timeout;

  public JdkJiraHttp(boolean async, Options options) {
    this.async = async;
    this.timeout = Duration.ofMillis(options.readTimeoutMillis);
    HttpClient.Builder builder = HttpClient.newBuilder();
    if (options.proxy != null) {
      builder.proxy(java.net.ProxySelector.of(options.proxy));
    }
    this.client =
        builder
            .version(options.http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
            .followRedirects(
                options.followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofMillis(options.connectTimeoutMillis))
            .build();
  }

  @Override
  public Result send(Step step) throws Exception {
    HttpRequest.BodyPublisher body =
        step.body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(step.body);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(step.url)).method(step.method, body).timeout(timeout);
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      builder.header(header.getKey(), header.getValue());
    }
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    if (async) {
      // A callback, as asynchronous code writes it; the issuing thread waits only so the result can
      // be printed.
      java.util.concurrent.CompletableFuture<HttpResponse<String>> seen =
          new java.util.concurrent.CompletableFuture<>();
      client
          .sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  seen.completeExceptionally(e);
                } else {
                  seen.complete(r);
                }
              });
      response = seen.get();
    } else {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    }
    Result result = new Result();
    result.status = response.statusCode();
    result.headers = JiraHttp.interesting(response.headers().map());
    result.body = response.body();
    result.visibleAuthorization =
        response.request().headers().firstValue("Authorization").orElse(null);
    result.contextAuthorization =
        response
            .previousResponse()
            .map(r -> r.request().headers().firstValue("Authorization").orElse(null))
            .orElse(null);
    result.version = response.version().name();
    return result;
  }
}
