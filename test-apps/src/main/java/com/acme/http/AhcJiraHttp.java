package com.acme.http;

import com.acme.Step;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.BoundRequestBuilder;
import org.asynchttpclient.Dsl;
import org.asynchttpclient.Request;
import org.asynchttpclient.Response;

/**
 * Calls through AsyncHttpClient 3: {@code execute()} on the application's thread; {@code ahc}
 * blocks on the returned future, {@code ahc-async} reads the response in a callback on the I/O
 * thread.
 */
public final class AhcJiraHttp implements JiraHttp {

  private final AsyncHttpClient client;
  private final boolean async;

  public AhcJiraHttp(boolean async, Options options) {
    this.async = async;
    this.client =
        Dsl.asyncHttpClient(
            Dsl.config()
                .setProxyServer(
                    options.proxy == null
                        ? null
                        : Dsl.proxyServer(options.proxy.getHostString(), options.proxy.getPort())
                            .build())
                .setFollowRedirect(options.followRedirects)
                .setConnectTimeout(Duration.ofMillis(options.connectTimeoutMillis))
                .setReadTimeout(Duration.ofMillis(options.readTimeoutMillis))
                .setRequestTimeout(Duration.ofSeconds(60)));
  }

  @Override
  public Result send(Step step) throws Exception {
    BoundRequestBuilder builder = client.prepare(step.method, step.url);
    step.headers.forEach(builder::addHeader);
    if (step.body != null) {
      if (!step.headers.keySet().stream().anyMatch("Content-Type"::equalsIgnoreCase)) {
        builder.setHeader("Content-Type", "application/json");
      }
      builder.setBody(step.body.getBytes(StandardCharsets.UTF_8));
    }
    Request request = builder.build();
    Result result;
    if (async) {
      CompletableFuture<Result> seen = new CompletableFuture<>();
      client
          .executeRequest(request)
          .toCompletableFuture()
          .whenComplete(
              (response, error) -> {
                if (error != null) {
                  seen.completeExceptionally(error);
                } else {
                  seen.complete(result(response));
                }
              });
      result = await(seen);
    } else {
      result = result(await(client.executeRequest(request).toCompletableFuture()));
    }
    result.visibleAuthorization = request.getHeaders().get("Authorization");
    return result;
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(90, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException
          && cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw cause instanceof Exception exception ? exception : e;
    }
  }

  private static Result result(Response response) {
    Result result = new Result();
    result.status = response.getStatusCode();
    HttpHeaders headers = response.getHeaders();
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (String name : headers.names()) {
      fields.put(name, headers.getAll(name));
    }
    result.headers = JiraHttp.interesting(fields);
    result.body = response.getResponseBody(StandardCharsets.UTF_8);
    result.version = "HTTP_1_1";
    return result;
  }
}
