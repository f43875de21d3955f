package com.acme.http;

import com.acme.Step;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Calls through OkHttp: {@code execute()}, or {@code enqueue()} with a callback. Written to OkHttp
 * 3.12's API, which 4 and 5 keep.
 */
public final class OkHttpJiraHttp implements JiraHttp {

  private final OkHttpClient client;
  private final boolean async;

  public OkHttpJiraHttp(boolean async, Options options) {
    this.async = async;
    OkHttpClient.Builder builder = new OkHttpClient.Builder();
    if (options.proxy != null) {
      builder.proxy(new java.net.Proxy(java.net.Proxy.Type.HTTP, options.proxy));
    }
    this.client =
        builder
            .followRedirects(options.followRedirects)
            .followSslRedirects(options.followRedirects)
            .connectTimeout(options.connectTimeoutMillis, TimeUnit.MILLISECONDS)
            .readTimeout(options.readTimeoutMillis, TimeUnit.MILLISECONDS)
            .retryOnConnectionFailure(false)
            .build();
  }

  @Override
  public Result send(Step step) throws Exception {
    RequestBody body =
        step.body == null
            ? null
            : RequestBody.create(
                MediaType.parse(step.headers.getOrDefault("Content-Type", "application/json")),
                step.body);
    if (body == null && (step.method.equals("POST") || step.method.equals("PUT"))) {
      body = RequestBody.create(null, new byte[0]);
    }
    Request.Builder builder = new Request.Builder().url(step.url).method(step.method, body);
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      builder.addHeader(header.getKey(), header.getValue());
    }
    Call call = client.newCall(builder.build());
    if (!async) {
      try (Response response = call.execute()) {
        return result(response);
      }
    }
    CompletableFuture<Result> seen = new CompletableFuture<>();
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call failed, IOException e) {
            seen.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call done, Response response) {
            try (response) {
              seen.complete(result(response));
            } catch (IOException | RuntimeException e) {
              seen.completeExceptionally(e);
            }
          }
        });
    try {
      return seen.get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static Result result(Response response) throws IOException {
    Result result = new Result();
    result.status = response.code();
    result.headers = JiraHttp.interesting(response.headers().toMultimap());
    result.body = response.body() == null ? null : response.body().string();
    result.visibleAuthorization = response.request().header("Authorization");
    // The request as OkHttp sent it on the network (after the application interceptors, Warden's
    // among them).
    result.contextAuthorization =
        response.networkResponse() == null
            ? null
            : response.networkResponse().request().header("Authorization");
    result.version = response.protocol().toString().equals("h2") ? "HTTP_2" : "HTTP_1_1";
    return result;
  }
}
