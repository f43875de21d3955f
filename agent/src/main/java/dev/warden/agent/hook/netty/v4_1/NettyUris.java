package dev.warden.agent.hook.netty.v4_1;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Request targets as {@link URI}s. Netty clients take targets as strings and send them as given, so
 * a target may hold characters {@code java.net.URI} refuses: those are percent-encoded for Warden's
 * view, never for the request sent.
 */
public final class NettyUris {

  private NettyUris() {}

  /** An absolute URI, or {@code null} when {@code text} is not one. */
  public static URI parse(String text) {
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
    return uri.getScheme() != null && dev.warden.policy.SiteUrl.hostOf(uri) != null ? uri : null;
  }

  /** The request target of an origin-form request line: raw path (at least {@code /}) and query. */
  public static String pathAndQuery(URI uri) {
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
