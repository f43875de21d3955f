package dev.warden.agent.hook.jdk.urlconnection;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.pipeline.Bypass;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.HttpsURLConnection;

/**
 * One exchange of Warden's connection: each request Warden sends goes through a JDK connection of
 * its own, configured as the application configured Warden's (timeouts, caches, SSL, ...), with
 * redirects off so that Warden follows them hop by hop.
 */
final class UrlConnectionCall implements ClientCall<UrlConnectionCall.Result> {

  /**
   * What the JDK's connection follows when {@code instanceFollowRedirects} is on: the same protocol
   * only.
   */
  static final RedirectPolicy FOLLOW =
      new RedirectPolicy(
          Set.of(300, 301, 302, 303, 307),
          Math.max(1, Integer.getInteger("http.maxRedirects", 20)),
          false,
          false,
          Boolean.getBoolean("http.strictPostRedirect") ? Set.of() : Set.of(300, 301, 302, 303));

  /** What the application ends up reading. */
  sealed interface Result permits Result.Real, Result.Synthetic {
    /** A response from the network, read through the JDK connection that received it. */
    record Real(HttpURLConnection connection) implements Result {}

    /** Warden's answer. */
    record Synthetic(Answer answer) implements Result {}
  }

  private final WardenHttpURLConnection owner;
  private final WardenRequest request;
  private HttpURLConnection unused;

  UrlConnectionCall(WardenHttpURLConnection owner, WardenRequest request, HttpURLConnection first) {
    this.owner = owner;
    this.request = request;
    this.unused = first;
  }

  @Override
  public WardenRequest request() {
    return request;
  }

  private static byte[] bytes(HttpURLConnection connection, int status) throws IOException {
    java.io.InputStream in =
        status >= 400 ? connection.getErrorStream() : connection.getInputStream();
    if (in == null) {
      return new byte[0];
    }
    try (in) {
      return in.readAllBytes();
    }
  }

  @Override
  public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
    try {
      HttpURLConnection connection = connectionFor(outgoing);
      configure(connection, outgoing);
      int status = connection.getResponseCode();
      Headers headers = Headers.of(connection.getHeaderFields());
      return CompletableFuture.completedFuture(
          new WardenResponse(
              status,
              headers,
              connection,
              () -> drain(connection, status),
              () -> bytes(connection, status)));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public boolean forwardProxied(java.net.URI uri) {
    Proxy proxy = owner.proxy();
    // Opened without a proxy of its own: the JDK asks the default selector.
    return proxy != null
        ? dev.warden.agent.hook.Proxies.through(proxy)
        : dev.warden.agent.hook.Proxies.through(java.net.ProxySelector.getDefault(), uri);
  }

  /** The JDK connection opened with Warden's for the first request, or a new one. */
  private HttpURLConnection connectionFor(WardenRequest outgoing) throws IOException {
    HttpURLConnection first = unused;
    unused = null;
    if (first != null && outgoing.uri().toString().equals(request.uri().toString())) {
      return first;
    }
    Proxy proxy = owner.proxy();
    return (HttpURLConnection)
        Bypass.io(
            () ->
                proxy == null
                    ? outgoing.uri().toURL().openConnection()
                    : outgoing.uri().toURL().openConnection(proxy));
  }

  private void configure(HttpURLConnection connection, WardenRequest outgoing) throws IOException {
    connection.setRequestMethod(outgoing.method());
    connection.setInstanceFollowRedirects(false);
    connection.setConnectTimeout(owner.getConnectTimeout());
    connection.setReadTimeout(owner.getReadTimeout());
    connection.setUseCaches(owner.getUseCaches());
    connection.setIfModifiedSince(owner.getIfModifiedSince());
    connection.setDoInput(owner.getDoInput());
    connection.setAllowUserInteraction(owner.getAllowUserInteraction());
    if (owner.authenticator() != null) {
      connection.setAuthenticator(owner.authenticator());
    }
    if (connection instanceof HttpsURLConnection https) {
      if (owner.sslSocketFactory() != null) {
        https.setSSLSocketFactory(owner.sslSocketFactory());
      }
      if (owner.hostnameVerifier() != null) {
        https.setHostnameVerifier(owner.hostnameVerifier());
      }
    }
    for (Map.Entry<String, List<String>> field : outgoing.headers().map().entrySet()) {
      boolean first = true;
      for (String value : field.getValue()) {
        if (first) {
          connection.setRequestProperty(field.getKey(), value);
        } else {
          connection.addRequestProperty(field.getKey(), value);
        }
        first = false;
      }
    }
    Body body = outgoing.body();
    byte[] bytes = body == Body.NONE ? null : body.bytes();
    if (bytes != null && (bytes.length > 0 || owner.getDoOutput())) {
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(bytes.length);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(bytes);
      }
    }
  }

  /** Reads away a response the application will not see, so its connection can be reused. */
  private static void drain(HttpURLConnection connection, int status) {
    try (InputStream in =
        status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
      if (in != null) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    } catch (IOException e) {
      connection.disconnect();
    }
  }

  @Override
  public CompletableFuture<Result> toNative(WardenResponse response, WardenRequest sent) {
    return CompletableFuture.completedFuture(
        new Result.Real((HttpURLConnection) response.nativeResponse()));
  }

  @Override
  public CompletableFuture<Result> answer(Answer answer) {
    return CompletableFuture.completedFuture(new Result.Synthetic(answer));
  }

  @Override
  public RedirectPolicy redirects() {
    return owner.getInstanceFollowRedirects() ? FOLLOW : RedirectPolicy.NONE;
  }

  @Override
  public boolean sharesResponses() {
    return true;
  }

  @Override
  public boolean blocking() {
    return true;
  }
}
