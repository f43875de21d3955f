package com.acme.http;

import com.acme.Step;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Calls through Jetty's {@code HttpClient} 12: {@code request.send()} returning a {@code
 * ContentResponse}, or {@code request.send(listener)} with a {@code BufferingResponseListener}
 * (whose callback runs on Jetty's threads). With {@code --http2} over TLS, HTTP/2 or HTTP/1.1 is
 * negotiated by ALPN (which needs jetty-http2-client-transport and jetty-alpn-java-client on the
 * class path). Written to 12.0's API, which 12.1 keeps.
 */
public final class JettyJiraHttp implements JiraHttp {

  private final HttpClient client;
  private final boolean async;
  private final long timeoutMillis;

  public JettyJiraHttp(boolean async, Options options) throws Exception {
    this.async = async;
    this.timeoutMillis = options.readTimeoutMillis;
    ClientConnector connector = new ClientConnector();
    connector.setConnectTimeout(Duration.ofMillis(options.connectTimeoutMillis));
    connector.setSslContextFactory(new SslContextFactory.Client());
    HttpClientTransport transport =
        options.http2
            // HTTP/1.1 first: a plain-text request then takes it (Jetty would otherwise try h2c);
            // TLS negotiates by ALPN.
            ? new HttpClientTransportDynamic(
                connector,
                HttpClientConnectionFactory.HTTP11,
                new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)))
            : new HttpClientTransportOverHTTP(connector);
    this.client = new HttpClient(transport);
    if (options.proxy != null) {
      client
          .getProxyConfiguration()
          .addProxy(
              new org.eclipse.jetty.client.HttpProxy(
                  options.proxy.getHostString(), options.proxy.getPort()));
    }
    client.setFollowRedirects(options.followRedirects);
    client.start();
  }

  @Override
  public Result send(Step step) throws Exception {
    Request request =
        client
            .newRequest(step.url)
            .method(step.method)
            .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    request.headers(fields -> step.headers.forEach(fields::add));
    if (step.body != null) {
      request.body(
          new StringRequestContent(
              step.headers.getOrDefault("Content-Type", "application/json"),
              step.body,
              StandardCharsets.UTF_8));
    }
    if (!async) {
      ContentResponse response = request.send();
      return result(response, response.getContentAsString());
    }
    CompletableFuture<Result> seen = new CompletableFuture<>();
    request.send(
        new BufferingResponseListener() {
          @Override
          public void onComplete(org.eclipse.jetty.client.Result done) {
            if (done.isFailed()) {
              seen.completeExceptionally(done.getFailure());
            } else {
              seen.complete(result(done.getResponse(), getContentAsString()));
            }
          }
        });
    try {
      return seen.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static Result result(Response response, String body) {
    Result result = new Result();
    result.status = response.getStatus();
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (HttpField field : response.getHeaders()) {
      fields.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
    }
    result.headers = JiraHttp.interesting(fields);
    result.body = body;
    result.visibleAuthorization = response.getRequest().getHeaders().get(HttpHeader.AUTHORIZATION);
    result.version = response.getVersion() == HttpVersion.HTTP_2 ? "HTTP_2" : "HTTP_1_1";
    return result;
  }
}
