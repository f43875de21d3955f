package com.acme.http;

import com.acme.Step;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Calls through plain Vert.x core {@code HttpClient}: {@code request(RequestOptions)} on the
 * application's thread, then {@code send} in the future's continuation. {@code vertx-core} takes
 * the response back to the application's thread; {@code vertx-core-async} reads it in the callback,
 * on the event loop. Written to 4.0's API, which 4.5 and 5.0 keep.
 */
public final class VertxCoreJiraHttp implements JiraHttp {

  private final HttpClient client;
  private final boolean async;
  private final Options options;

  public VertxCoreJiraHttp(boolean async, Options options) throws ReflectiveOperationException {
    this.async = async;
    this.options = options;
    HttpClientOptions http =
        new HttpClientOptions().setConnectTimeout(options.connectTimeoutMillis);
    if (options.proxy != null) {
      http.setProxyOptions(
          new io.vertx.core.net.ProxyOptions()
              .setType(io.vertx.core.net.ProxyType.HTTP)
              .setHost(options.proxy.getHostString())
              .setPort(options.proxy.getPort()));
    }
    // createHttpClient returns an HttpClient in 4, an HttpClientAgent (an HttpClient) in 5.
    this.client =
        (HttpClient)
            Vertx.class
                .getMethod("createHttpClient", HttpClientOptions.class)
                .invoke(Vertx.vertx(), http);
  }

  @Override
  public Result send(Step step) throws Exception {
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.valueOf(step.method))
            .setAbsoluteURI(step.url)
            .setFollowRedirects(options.followRedirects)
            .setTimeout(options.readTimeoutMillis);
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      request.addHeader(header.getKey(), header.getValue());
    }
    if (step.body != null && request.getHeaders().get("Content-Type") == null) {
      request.putHeader("Content-Type", "application/json");
    }
    AtomicReference<HttpClientRequest> made = new AtomicReference<>();
    // The body is read as the response arrives, in the same callback (Vert.x drops what arrives
    // before a handler is set).
    Future<Result> read =
        client
            .request(request)
            .compose(
                req -> {
                  made.set(req);
                  Future<HttpClientResponse> sent =
                      step.body != null
                          ? req.send(Buffer.buffer(step.body.getBytes(StandardCharsets.UTF_8)))
                          : req.send();
                  return sent.compose(
                      response -> response.body().map(body -> result(response, body)));
                });
    CompletableFuture<Result> seen;
    if (async) {
      CompletableFuture<Result> callback = new CompletableFuture<>();
      seen = callback;
      // vertx-core-async: the result is completed in the callback, on the event loop.
      read.onComplete(
          done -> {
            if (done.succeeded()) {
              callback.complete(done.result());
            } else {
              callback.completeExceptionally(done.cause());
            }
          });
    } else {
      // vertx-core: the result is taken back to this thread, through Vert.x's own bridge.
      seen = read.toCompletionStage().toCompletableFuture();
    }
    Result result = await(seen);
    HttpClientRequest req = made.get();
    result.visibleAuthorization = req == null ? null : req.headers().get("Authorization");
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

  private static Result result(HttpClientResponse response, Buffer body) {
    Result result = new Result();
    result.status = response.statusCode();
    MultiMap headers = response.headers();
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (String name : headers.names()) {
      fields.put(name, headers.getAll(name));
    }
    result.headers = JiraHttp.interesting(fields);
    result.body = body.toString(StandardCharsets.UTF_8);
    result.version = "HTTP_1_1";
    return result;
  }
}
