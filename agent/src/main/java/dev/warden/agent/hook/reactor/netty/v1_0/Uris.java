package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.hook.netty.v4_1.NettyUris;
import java.net.URI;
import reactor.netty.http.client.HttpClientConfig;

/** The URIs Reactor Netty works with, as {@link URI}s ({@link NettyUris}). */
final class Uris {

  private Uris() {}

  /** An absolute URI, or {@code null} when {@code text} is not one. */
  static URI parse(String text) {
    return NettyUris.parse(text);
  }

  /**
   * Where a configured client sends its first request, as Reactor Netty resolves it ({@code
   * baseUrl} before a path; the scheme from {@code secure()} when the target has none); {@code
   * null} when it cannot be known before subscription ({@code uri(Mono)}) or names no host.
   */
  static URI target(HttpClientConfig config) {
    String uri = config.uri();
    if (uri == null) {
      uri = "/";
    }
    String base = config.baseUrl();
    if (base != null && uri.startsWith("/")) {
      uri = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + uri;
    }
    if (uri.startsWith("/")) {
      return null;
    }
    if (!uri.contains("://")) {
      uri = (config.isSecure() ? "https://" : "http://") + uri;
    }
    return parse(uri);
  }

  /** The request target of an origin-form request line: raw path (at least {@code /}) and query. */
  static String pathAndQuery(URI uri) {
    return NettyUris.pathAndQuery(uri);
  }
}
