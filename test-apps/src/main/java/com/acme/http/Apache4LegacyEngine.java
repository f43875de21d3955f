package com.acme.http;

import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.client.params.HttpClientParams;
import org.apache.http.impl.client.DefaultHttpClient;
import org.apache.http.impl.conn.PoolingClientConnectionManager;
import org.apache.http.params.HttpConnectionParams;

/**
 * {@code DefaultHttpClient}, as HttpClient 4.2 (and older code on newer versions) builds it: the
 * request director.
 */
@SuppressWarnings("deprecation")
public final class Apache4LegacyEngine implements Apache4JiraHttp.Engine {

  private final DefaultHttpClient client;

  public Apache4LegacyEngine(Options options) {
    PoolingClientConnectionManager connections = new PoolingClientConnectionManager();
    connections.setMaxTotal(100);
    connections.setDefaultMaxPerRoute(100);
    this.client = new DefaultHttpClient(connections);
    HttpConnectionParams.setConnectionTimeout(client.getParams(), options.connectTimeoutMillis);
    HttpConnectionParams.setSoTimeout(client.getParams(), options.readTimeoutMillis);
    HttpClientParams.setRedirecting(client.getParams(), options.followRedirects);
  }

  @Override
  public HttpResponse execute(HttpRequestBase request, org.apache.http.protocol.HttpContext context)
      throws Exception {
    // Through the interface: 4.2's DefaultHttpClient has no execute returning a
    // CloseableHttpResponse.
    return ((org.apache.http.client.HttpClient) client).execute(request, context);
  }
}
