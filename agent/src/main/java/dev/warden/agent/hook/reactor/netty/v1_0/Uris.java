package dev.warden.agent.hook.reactor.netty.v1_0;

import java.net.URI;
import java.net.URISyntaxException;
import reactor.netty.http.client.HttpClientConfig;

/**
 * The URIs Reactor Netty works with, as {@link URI}s. Reactor Netty takes request targets as
 * strings and sends them as given, so a target may hold characters {@code java.net.URI} refuses:
 * those are percent-encoded for Warden's view, never for the request sent.
 */
final class Uris {

  private Uris() {}

  /** An absolute URI, or {@code null} when {@code text} is not one. */
  static URI parse(String text) {
    if (text == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      try {
        uri = new URI(encodeIllegal(text));
      } catch (URISyntaxException again) {
        return null;
      }
    }
    return uri.getScheme() != null && uri.getHost() != null ? uri : null;
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
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  private static String encodeIllegal(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
        for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          out.append('%')
              .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
              .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
