package com.acme.http;

import com.acme.Step;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Calls through Vert.x WebClient. Both modes call {@code send()} / {@code sendBuffer()} on the
 * application's thread and get a {@code Future}; {@code vertx} takes the response back to that
 * thread (blocking on a {@code CompletableFuture}), {@code vertx-async} reads it in the callback,
 * on the event loop. Written to 4.0's API, which 4.5 and 5.0 keep (the {@code Future}-returning
 * sends, {@code Future.onComplete}, {@code HttpRequest.timeout}, no pool-size option, which 5.0
 * moved).
 */
public final class VertxJiraHttp implements JiraHttp {

  private final WebClient client;
  private final boolean async;
  private final Options options;

  public VertxJiraHttp(boolean async, Options options) {
    this.async = async;
    this.options = options;
    WebClientOptions web =
        new WebClientOptions()
            .setFollowRedirects(options.followRedirects)
            .setConnectTimeout(options.connectTimeoutMillis);
    if (options.proxy != null) {
      web.setProxyOptions(
          new io.vertx.core.net.ProxyOptions()
              .setType(io.vertx.core.net.ProxyType.HTTP)
              .setHost(options.proxy.getHostString())
              .setPort(options.proxy.getPort()));
    }
    if (options.http2) {
      web.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true);
    }
    this.client = WebClient.create(Vertx.vertx(), web);
  }

  @Override
  public Result send(Step step) throws Exception {
    HttpRequest<Buffer> request =
        client
            .requestAbs(HttpMethod.valueOf(step.method), step.url)
            .followRedirects(options.followRedirects)
            // The time without a byte of the response: WebClient's read timeout, a TimeoutException
            // when it passes.
            .timeout(options.readTimeoutMillis);
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      request.headers().add(header.getKey(), header.getValue());
    }
    Future<HttpResponse<Buffer>> sent;
    if (step.body != null) {
      if (request.headers().get("Content-Type") == null) {
        request.putHeader("Content-Type", "application/json");
      }
      sent = request.sendBuffer(Buffer.buffer(step.body.getBytes(StandardCharsets.UTF_8)));
    } else {
      sent = request.send();
    }
    Result result;
    if (async) {
      CompletableFuture<Result> seen = new CompletableFuture<>();
      sent.onComplete(
          done -> {
            if (done.succeeded()) {
              seen.complete(result(done.result()));
            } else {
              seen.completeExceptionally(done.cause());
            }
          });
      result = await(seen);
    } else {
      CompletableFuture<HttpResponse<Buffer>> seen = new CompletableFuture<>();
      sent.onComplete(
          done -> {
            if (done.succeeded()) {
              seen.complete(done.result());
            } else {
              seen.completeExceptionally(done.cause());
            }
          });
      result = result(await(seen));
    }
    result.visibleAuthorization = request.headers().get("Authorization");
    return result;
  }

  private static <T> T await(CompletableFuture<T> seen) throws Exception {
    try {
      return seen.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      // Vert.x 4 fails some calls with a Throwable that is no Exception (NoStackTraceThrowable).
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static Result result(HttpResponse<Buffer> response) {
    Result result = new Result();
    result.status = response.statusCode();
    MultiMap headers = response.headers();
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (String name : headers.names()) {
      fields.put(name, headers.getAll(name));
    }
    result.headers = JiraHttp.interesting(fields);
    result.body = response.bodyAsString();
    result.version = response.version() == HttpVersion.HTTP_2 ? "HTTP_2" : "HTTP_1_1";
    return result;
  }
}
