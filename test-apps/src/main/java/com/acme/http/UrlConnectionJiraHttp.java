package com.acme.http;

import com.acme.Step;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Calls through {@code HttpURLConnection} (and {@code HttpsURLConnection}). */
public final class UrlConnectionJiraHttp implements JiraHttp {

  private final Options options;

  public UrlConnectionJiraHttp(boolean async, Options options) {
    this.options = options;
  }

  @Override
  public Result send(Step step) throws Exception {
    HttpURLConnection connection =
        (HttpURLConnection)
            (options.proxy == null
                ? new URL(step.url).openConnection()
                : new URL(step.url)
                    .openConnection(new java.net.Proxy(java.net.Proxy.Type.HTTP, options.proxy)));
    connection.setInstanceFollowRedirects(options.followRedirects);
    connection.setConnectTimeout(options.connectTimeoutMillis);
    connection.setReadTimeout(options.readTimeoutMillis);
    connection.setRequestMethod(step.method);
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      connection.addRequestProperty(header.getKey(), header.getValue());
    }
    if (step.body != null) {
      byte[] bytes = step.body.getBytes(StandardCharsets.UTF_8);
      connection.setDoOutput(true);
      if ("fixed".equals(step.streaming)) {
        connection.setFixedLengthStreamingMode(bytes.length);
      } else if ("chunked".equals(step.streaming)) {
        connection.setChunkedStreamingMode(16);
      }
      try (OutputStream out = connection.getOutputStream()) {
        // In pieces, as streaming code writes.
        for (int i = 0; i < bytes.length; i += 7) {
          out.write(bytes, i, Math.min(7, bytes.length - i));
        }
      }
    }
    Result result = new Result();
    String body;
    if (step.statusFirst) {
      result.status = connection.getResponseCode();
      body = read(result.status >= 400 ? connection.getErrorStream() : connection.getInputStream());
    } else {
      String fromStream;
      try {
        fromStream = read(connection.getInputStream());
      } catch (IOException e) {
        fromStream = read(connection.getErrorStream());
      }
      body = fromStream;
      result.status = connection.getResponseCode();
    }
    result.body = body;
    result.headers = JiraHttp.interesting(connection.getHeaderFields());
    result.visibleAuthorization = readBack(connection);
    result.version = "HTTP_1_1";
    return result;
  }

  private static String readBack(HttpURLConnection connection) {
    try {
      return connection.getRequestProperty("Authorization");
    } catch (IllegalStateException e) {
      return null;
    }
  }

  private static String read(InputStream in) throws IOException {
    if (in == null) {
      return null;
    }
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
