package com.acme.http;

import com.acme.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.http.Header;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpEntityEnclosingRequestBase;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.util.EntityUtils;

/**
 * Calls through Apache HttpClient 4: {@code HttpClients.custom()} (4.3 and newer) for {@code
 * apache4}, {@code DefaultHttpClient} for {@code apache4-legacy} and on 4.2, which has nothing
 * else.
 */
public final class Apache4JiraHttp implements JiraHttp {

  /** Executes a request with one of HttpClient 4's clients. */
  interface Engine {
    HttpResponse execute(HttpRequestBase request, org.apache.http.protocol.HttpContext context)
        throws Exception;
  }

  private final Engine engine;

  public Apache4JiraHttp(boolean legacy, Options options) throws Exception {
    boolean builder = !legacy && exists("org.apache.http.impl.client.HttpClientBuilder");
    this.engine =
        (Engine)
            Class.forName(
                    builder
                        ? "com.acme.http.Apache4BuilderEngine"
                        : "com.acme.http.Apache4LegacyEngine")
                .getConstructor(Options.class)
                .newInstance(options);
  }

  private static boolean exists(String name) {
    try {
      Class.forName(name);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * The request the context holds after the exchange ({@code http.request}, as 4.x names it), and
   * its {@code Authorization}.
   */
  static String contextAuthorization(org.apache.http.protocol.HttpContext context) {
    Object held = context.getAttribute("http.request");
    Header header =
        held instanceof org.apache.http.HttpRequest sent
            ? sent.getFirstHeader("Authorization")
            : null;
    return header == null ? null : header.getValue();
  }

  @Override
  public Result send(Step step) throws Exception {
    HttpRequestBase request =
        new HttpEntityEnclosingRequestBase() {
          @Override
          public String getMethod() {
            return step.method;
          }
        };
    request.setURI(java.net.URI.create(step.url));
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      request.addHeader(header.getKey(), header.getValue());
    }
    if (step.body != null) {
      ((HttpEntityEnclosingRequestBase) request)
          .setEntity(
              new ByteArrayEntity(step.body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    org.apache.http.protocol.HttpContext context = new org.apache.http.protocol.BasicHttpContext();
    HttpResponse response = engine.execute(request, context);
    Result result = new Result();
    result.status = response.getStatusLine().getStatusCode();
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (Header header : response.getAllHeaders()) {
      fields.computeIfAbsent(header.getName(), k -> new ArrayList<>()).add(header.getValue());
    }
    result.headers = JiraHttp.interesting(fields);
    result.body = response.getEntity() == null ? null : EntityUtils.toString(response.getEntity());
    Header own = request.getFirstHeader("Authorization");
    result.visibleAuthorization = own == null ? null : own.getValue();
    result.contextAuthorization = contextAuthorization(context);
    result.version = "HTTP_1_1";
    return result;
  }
}
