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
import org.apache.http.Header;
import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.HttpEntityEnclosingRequestBase;
import org.apache.http.concurrent.FutureCallback;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.nio.client.CloseableHttpAsyncClient;
import org.apache.http.impl.nio.client.HttpAsyncClients;
import org.apache.http.util.EntityUtils;

/**
 * Calls through Apache HttpAsyncClient 4 ({@code HttpAsyncClients.custom()}), the way Atlassian's
 * REST client does: {@code execute(request, callback)}, the callback on the client's I/O thread.
 * Written to 4.0's API, which 4.1 keeps.
 */
public final class Apache4AsyncJiraHttp implements JiraHttp {

  private final CloseableHttpAsyncClient client;

  public Apache4AsyncJiraHttp(boolean async, Options options) {
    this.client =
        HttpAsyncClients.custom()
            .setMaxConnTotal(100)
            .setMaxConnPerRoute(100)
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectTimeout(options.connectTimeoutMillis)
                    .setSocketTimeout(options.readTimeoutMillis)
                    .setProxy(
                        options.proxy == null
                            ? null
                            : new org.apache.http.HttpHost(
                                options.proxy.getHostString(), options.proxy.getPort()))
                    .setRedirectsEnabled(options.followRedirects)
                    .build())
            .build();
    client.start();
  }

  @Override
  public Result send(Step step) throws Exception {
    HttpEntityEnclosingRequestBase request =
        new HttpEntityEnclosingRequestBase() {
          @Override
          public String getMethod() {
            return step.method;
          }
        };
    request.setURI(URI.create(step.url));
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      request.addHeader(header.getKey(), header.getValue());
    }
    if (step.body != null) {
      request.setEntity(
          new ByteArrayEntity(
              step.body.getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON));
    }
    CompletableFuture<Result> seen = new CompletableFuture<>();
    org.apache.http.protocol.HttpContext context = new org.apache.http.protocol.BasicHttpContext();
    client.execute(
        request,
        context,
        new FutureCallback<HttpResponse>() {
          @Override
          public void completed(HttpResponse response) {
            try {
              Result result = new Result();
              result.status = response.getStatusLine().getStatusCode();
              Map<String, List<String>> fields = new LinkedHashMap<>();
              for (Header header : response.getAllHeaders()) {
                fields
                    .computeIfAbsent(header.getName(), k -> new ArrayList<>())
                    .add(header.getValue());
              }
              result.headers = JiraHttp.interesting(fields);
              result.body =
                  response.getEntity() == null ? null : EntityUtils.toString(response.getEntity());
              result.version = "HTTP_1_1";
              seen.complete(result);
            } catch (Exception e) {
              seen.completeExceptionally(e);
            }
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
    result.contextAuthorization = Apache4JiraHttp.contextAuthorization(context);
    return result;
  }
}
