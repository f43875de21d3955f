package com.acme.http;

import com.acme.Step;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http2.HttpVersionPolicy;

/**
 * Calls through Apache HttpClient 5's async client, with a callback (which runs on the client's I/O
 * thread). Written to 5.0's API, which later versions keep.
 */
public final class Apache5AsyncJiraHttp implements JiraHttp {

  private final CloseableHttpAsyncClient client;

  public Apache5AsyncJiraHttp(boolean async, Options options) {
    this.client =
        HttpAsyncClients.custom()
            .setProxy(
                options.proxy == null
                    ? null
                    : new org.apache.hc.core5.http.HttpHost(
                        options.proxy.getHostString(), options.proxy.getPort()))
            .disableAutomaticRetries()
            // HTTP/2 over TLS only when asked: 5.0's negotiation fails against Jetty's h2 (with or
            // without Warden).
            .setVersionPolicy(
                options.http2 ? HttpVersionPolicy.NEGOTIATE : HttpVersionPolicy.FORCE_HTTP_1)
            .setConnectionManager(
                PoolingAsyncClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(100)
                    .setMaxConnPerRoute(100)
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectTimeout(options.connectTimeoutMillis, TimeUnit.MILLISECONDS)
                    .setResponseTimeout(options.readTimeoutMillis, TimeUnit.MILLISECONDS)
                    .setRedirectsEnabled(options.followRedirects)
                    .build())
            .build();
    client.start();
  }

  @Override
  public Result send(Step step) throws Exception {
    SimpleHttpRequest request = new SimpleHttpRequest(step.method, URI.create(step.url));
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      request.addHeader(header.getKey(), header.getValue());
    }
    if (step.body != null) {
      request.setBody(step.body.getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON);
    }
    CompletableFuture<Result> seen = new CompletableFuture<>();
    org.apache.hc.client5.http.protocol.HttpClientContext context =
        org.apache.hc.client5.http.protocol.HttpClientContext.create();
    client.execute(
        request,
        context,
        new FutureCallback<SimpleHttpResponse>() {
          @Override
          public void completed(SimpleHttpResponse response) {
            Result result = new Result();
            result.status = response.getCode();
            Map<String, List<String>> fields = new LinkedHashMap<>();
            for (Header header : response.getHeaders()) {
              fields
                  .computeIfAbsent(header.getName(), k -> new ArrayList<>())
                  .add(header.getValue());
            }
            result.headers = JiraHttp.interesting(fields);
            result.body = response.getBodyText();
            result.version = "HTTP_1_1";
            seen.complete(result);
          }

          @Override
          public void failed(Exception e) {
            seen.completeExceptionally(e);
          }

          @Override
          public void cancelled() {
            seen.cancel(false);
          }
        });
    Result result;
    try {
      result = seen.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    Header own = request.getFirstHeader("Authorization");
    result.visibleAuthorization = own == null ? null : own.getValue();
    result.contextAuthorization = Apache5JiraHttp.contextAuthorization(context);
    return result;
  }
}
