package dev.warden.policy;

import dev.warden.jira.PathSegments;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * A site's {@code url}: {@code scheme://host[:port][/context-path]}. A request belongs to the site
 * when scheme, host and port are equal and its path starts with the context path.
 *
 * @param scheme {@code http} or {@code https}
 * @param host the host, lower case
 * @param port the port, the scheme's default when the URL names none
 * @param contextPath the context path's segments, empty for none
 */
public record SiteUrl(String scheme, String host, int port, List<String> contextPath) {

  public SiteUrl {
    contextPath = List.copyOf(contextPath);
  }

  /**
   * Parses a site URL.
   *
   * @throws IllegalArgumentException saying what is wrong and what to write instead
   */
  public static SiteUrl parse(String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "'"
              + Redaction.url(text)
              + "' is not a URL; write scheme://host[:port][/context-path], such as https://acme.atlassian.net");
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      throw new IllegalArgumentException(
          "'"
              + Redaction.url(text)
              + "' must start with https:// (or http://), such as https://acme.atlassian.net");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "'" + Redaction.url(text) + "' names no host; write scheme://host[:port][/context-path]");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "'"
              + Redaction.url(text)
              + "' must not hold user information; credentials go under 'credentials'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "'"
              + Redaction.url(text)
              + "' must not have a query or fragment; write scheme://host[:port][/context-path]");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      // java.net.URI takes any digits (found by fuzzing).
      throw new IllegalArgumentException(
          "'" + Redaction.url(text) + "' names port " + uri.getPort() + "; a port is 1 to 65535");
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme);
    List<String> context = PathSegments.parse(uri.getRawPath()).segments();
    return new SiteUrl(scheme, uri.getHost().toLowerCase(Locale.ROOT), port, context);
  }

  /** The port a scheme uses when a URL names none. */
  public static int defaultPort(String scheme) {
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  /**
   * The port a request goes to: {@code port}, or the scheme's default when it is negative (none
   * given).
   */
  public static int effectivePort(String scheme, int port) {
    return port >= 0 ? port : defaultPort(scheme);
  }

  /** The port a request to {@code uri} goes to. */
  public static int effectivePort(URI uri) {
    return effectivePort(uri.getScheme(), uri.getPort());
  }

  /** Whether a request to this scheme, host and port could belong to this site. */
  public boolean sameOrigin(String scheme, String host, int port) {
    return this.port == port
        && this.host.equalsIgnoreCase(host)
        && this.scheme.equalsIgnoreCase(scheme);
  }

  /** Whether a path (already reduced) lies under the context path. */
  public boolean contains(PathSegments path) {
    return path.startsWith(contextPath);
  }

  /** The URL in its normal form, such as {@code https://jira.corp.example.com/jira}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(scheme).append("://");
    out.append(host.contains(":") ? "[" + host + "]" : host);
    if (port != defaultPort(scheme)) {
      out.append(':').append(port);
    }
    for (String segment : contextPath) {
      out.append('/').append(encode(segment));
    }
    return out.toString();
  }

  /**
   * A context path segment as a URL writes it: percent-encoded but for unreserved characters and
   * those a path may hold, so that the normal form parses back (found by fuzzing: a decoded space).
   */
  private static String encode(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,=:@".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
