package dev.warden.policy;

import dev.warden.jira.PathSegments;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * A site's {@code url}: {@code scheme://host[:port][/context-path]}. A request belongs to the site
 * when scheme, host and port are equal and its path starts with the context path.
 *
 * @param scheme {@code http} or {@code https}
 * @param host the host in its canonical form ({@link #canonicalHost}): lower case, ASCII (an
 *     internationalised name in its {@code xn--} form), an IP address as the JDK writes it (IPv6
 *     without brackets)
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
    String ascii = uri.getHost() == null ? asciiHost(uri, text) : null;
    if (ascii != null) {
      // An internationalised name: java.net.URI takes only ASCII host names.
      return parse(ascii);
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
    String host = canonicalHost(uri.getHost());
    if (host.isEmpty()) {
      throw new IllegalArgumentException(
          "'" + Redaction.url(text) + "' names no host; write scheme://host[:port][/context-path]");
    }
    return new SiteUrl(scheme, host, port, context);
  }

  /**
   * The URL with its internationalised host name in ASCII ({@code xn--} form), or {@code null} when
   * its authority holds no such name (or one whose ASCII form names another name: see {@link
   * #idn}).
   */
  private static String asciiHost(URI uri, String text) {
    String authority = uri.getRawAuthority();
    if (authority == null || authority.indexOf('@') >= 0 || authority.startsWith("[")) {
      return null;
    }
    int colon = authority.lastIndexOf(':');
    String name = colon < 0 ? authority : authority.substring(0, colon);
    if (name.chars().allMatch(c -> c < 0x80)) {
      return null;
    }
    String ascii = idn(name);
    if (ascii == null) {
      return null;
    }
    // Not a regular expression's replacement: the ASCII form may hold '$' (found by fuzzing).
    String trimmed = text.trim();
    int at = trimmed.indexOf(name);
    return at < 0 ? null : trimmed.substring(0, at) + ascii + trimmed.substring(at + name.length());
  }

  /**
   * A name's ASCII ({@code xn--}) form, or {@code null} when there is none or when it does not name
   * the same name back: the JDK's IDNA 2003 maps some names onto others ({@code straße} onto {@code
   * strasse}, a different domain to a registry that follows IDNA 2008), so such a name is never
   * taken for a site's.
   */
  private static String idn(String name) {
    try {
      String ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
      boolean lossless =
          ascii.chars().allMatch(c -> c < 0x80)
              && IDN.toUnicode(ascii, IDN.ALLOW_UNASSIGNED).equals(name.toLowerCase(Locale.ROOT));
      return lossless ? ascii : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A host as a site compares it, so that every spelling of the same name or address is the same
   * site: lower case; an internationalised name in its ASCII ({@code xn--}) form; an IPv6 address
   * without brackets and an IPv4 address in the JDK's shorter forms ({@code 127.1}, {@code
   * 2130706433}) as the JDK writes them. Never a lookup: a name stays a name. A trailing dot stays:
   * {@code jira.tools.} is an absolute name, while a site's {@code jira.tools} may be found through
   * a search domain, another host. A host that is none of these comes back lower case, as written.
   */
  public static String canonicalHost(String host) {
    if (host == null) {
      return null;
    }
    boolean plain = !host.isEmpty();
    boolean digitsAndDots = true;
    for (int i = 0; i < host.length() && plain; i++) {
      char c = host.charAt(i);
      if (c >= 0x80 || c == ':' || c == '[' || (c >= 'A' && c <= 'Z')) {
        plain = false;
      }
      digitsAndDots &= (c >= '0' && c <= '9') || c == '.';
    }
    if (plain && !digitsAndDots) {
      return host;
    }
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.startsWith("[") && lower.endsWith("]")) {
      lower = lower.substring(1, lower.length() - 1);
    }
    if (lower.indexOf(':') >= 0) {
      return ipv6(lower);
    }
    String ipv4 = ipv4(lower);
    if (ipv4 != null) {
      return ipv4;
    }
    if (lower.chars().anyMatch(c -> c >= 0x80)) {
      String ascii = idn(lower);
      return ascii == null ? lower : ascii;
    }
    return lower;
  }

  /**
   * An IPv6 literal as the JDK writes it (an IPv4-mapped one as its IPv4 address, where the JDK
   * connects), or as written when it is not one.
   */
  private static String ipv6(String literal) {
    int zone = literal.indexOf('%');
    String address = zone < 0 ? literal : literal.substring(0, zone);
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.')) {
        return literal;
      }
    }
    try {
      // A text in brackets is never looked up: the JDK parses it as a literal or refuses it.
      return InetAddress.getByName("[" + literal + "]").getHostAddress();
    } catch (UnknownHostException | SecurityException e) {
      return literal;
    }
  }

  /**
   * An IPv4 address in one of the forms the JDK takes ({@code a.b.c.d}, {@code a.b.c}, {@code a.b},
   * {@code a}, each part decimal) as {@code a.b.c.d}, or {@code null}. A part with a leading zero,
   * which some resolvers read as octal, is none of them.
   */
  private static String ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length > 4) {
      return null;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty()
          || part.length() > 10
          || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      values[i] = Long.parseLong(part);
    }
    long last = values[values.length - 1];
    if (last >= 1L << (8 * (5 - values.length))) {
      return null;
    }
    long address = last;
    for (int i = 0; i < values.length - 1; i++) {
      if (values[i] > 255) {
        return null;
      }
      address |= values[i] << (8 * (3 - i));
    }
    return (address >>> 24)
        + "."
        + ((address >>> 16) & 0xff)
        + "."
        + ((address >>> 8) & 0xff)
        + "."
        + (address & 0xff);
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
    return effectivePort(uri.getScheme(), portOf(uri));
  }

  /**
   * The host a request to {@code uri} goes to: {@link URI#getHost}, or where {@code java.net.URI}
   * does not take the authority as a server's (such as {@code 127.1}, which the JDK resolves, or a
   * name with {@code _}, which clients send), the host the authority names; {@code null} for none.
   */
  public static String hostOf(URI uri) {
    String host = uri.getHost();
    if (host != null) {
      return host;
    }
    String authority = uri.getRawAuthority();
    if (authority == null) {
      return null;
    }
    int at = authority.indexOf('@');
    if (at != authority.lastIndexOf('@')) {
      // Parsers disagree on which '@' ends the user information: no host Warden would trust.
      return null;
    }
    authority = authority.substring(at + 1);
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? null : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    String name = colon < 0 ? authority : authority.substring(0, colon);
    // Only the characters a host name is written with: '_', which clients take, and an
    // internationalised name's (a client such as HttpClient 5.6 writes it in Unicode).
    boolean plain =
        !name.isEmpty()
            && name.chars()
                .allMatch(
                    c ->
                        (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '.'
                            || c == '-'
                            || c == '_'
                            || (c >= 0x80 && Character.isLetterOrDigit(c)));
    return plain ? name : null;
  }

  /** The port {@code uri} names, -1 for none (as {@link #hostOf} reads the authority). */
  public static int portOf(URI uri) {
    if (uri.getHost() != null || uri.getRawAuthority() == null) {
      return uri.getPort();
    }
    String authority = uri.getRawAuthority();
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || colon < authority.lastIndexOf(']')) {
      return -1;
    }
    String digits = authority.substring(colon + 1);
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    // A port past the last is kept as it is, so that it matches no site.
    return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
  }

  /** Whether a request to this scheme, host and port could belong to this site. */
  public boolean sameOrigin(String scheme, String host, int port) {
    return this.port == port
        && this.scheme.equalsIgnoreCase(scheme)
        && host != null
        && (this.host.equalsIgnoreCase(host) || this.host.equals(canonicalHost(host)));
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
