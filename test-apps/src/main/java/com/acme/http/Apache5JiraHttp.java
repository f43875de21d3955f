package com.acme.http;

import com.acme.Step;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

/** Calls through Apache HttpClient 5, classic. Written to 5.0's API, which later versions keep. */
public final class Apache5JiraHttp implements JiraHttp {

  private final CloseableHttpClient client;

  public Apache5JiraHttp(boolean async, Options options) {
    // Without automatic retries: HttpClient 5 would otherwise honour a 429's Retry-After and try
    // again, and the
    // scenarios want to see each answer as it comes.
    this.client =
        HttpClients.custom()
            .setProxy(
                options.proxy == null
                    ? null
                    : new org.apache.hc.core5.http.HttpHost(
                        options.proxy.getHostString(), options.proxy.getPort()))
            .disableAutomaticRetries()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
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
  }

  /** The request the context holds after the exchange, and its {@code Authorization}. */
  static String contextAuthorization(org.apache.hc.core5.http.protocol.HttpCoreContext context) {
    org.apache.hc.core5.http.HttpRequest held = context.getRequest();
    Header header = held == null ? null : held.getFirstHeader("Authorization");
    return header == null ? null : header.getValue();
  }

  @Override
  public Result send(Step step) throws Exception {
    BasicClassicHttpRequest request =
        new BasicClassicHttpRequest(step.method, URI.create(step.url));
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      request.addHeader(header.getKey(), header.getValue());
    }
    if (step.body != null) {
      request.setEntity(
          new ByteArrayEntity(
              step.body.getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON));
    }
    org.apache.hc.client5.http.protocol.HttpClientContext context =
        org.apache.hc.client5.http.protocol.HttpClientContext.create();
    Result result =
        client.execute(
            request,
            context,
            response -> {
              Result seen = new Result();
              seen.status = response.getCode();
              Map<String, List<String>> fields = new LinkedHashMap<>();
              for (Header header : response.getHeaders()) {
                fields
                    .computeIfAbsent(header.getName(), k -> new ArrayList<>())
                    .add(header.getValue());
              }
              seen.headers = JiraHttp.interesting(fields);
              seen.body =
                  response.getEntity() == null ? null : EntityUtils.toString(response.getEntity());
              seen.version = "HTTP_1_1";
              return seen;
            });
    Header own = request.getFirstHeader("Authorization");
    result.visibleAuthorization = own == null ? null : own.getValue();
    result.contextAuthorization = contextAuthorization(context);
    return result;
  }
}
