package com.acme.http;

import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/** HttpClient 4.3 and newer, as applications build it today: the exec chain. */
public final class Apache4BuilderEngine implements Apache4JiraHttp.Engine {

  private final CloseableHttpClient client;

  public Apache4BuilderEngine(Options options) {
    this.client =
        HttpClients.custom()
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
  }

  @Override
  public HttpResponse execute(HttpRequestBase request, org.apache.http.protocol.HttpContext context)
      throws Exception {
    return client.execute(request, context);
  }
}
