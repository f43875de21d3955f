package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What Warden does to a request's credentials: on the way to a site, the application's own are
 * removed and the site's set; in audit records, credentials in URLs are redacted.
 */
public final class SiteRequests {

  /** Jira's session cookies: credentials the application must not send on its own. */
  static final Set<String> SESSION_COOKIES = Set.of("jsessionid", "cloud.session.token", "tenant.session.token");

  /** Query parameters that carry a Jira login. */
  static final Set<String> CREDENTIAL_PARAMETERS = Set.of("os_username", "os_password");

  /** Query parameters whose values {@code url.full} never shows. */
  private static final Set<String> REDACTED_PARAMETERS = Set.of(
      "os_username", "os_password", "os_authtype", "access_token", "token", "jwt", "api_key", "apikey", "password",
      "awsaccesskeyid", "signature", "sig", "x-goog-signature", "x-amz-signature", "x-amz-security-token");

  private SiteRequests() {}

  /**
   * The request a site receives: the application's {@code Authorization}, session cookies, URL
   * user information and {@code os_username}/{@code os_password} removed, the site's
   * {@code Authorization} set. {@code Proxy-Authorization} is left as it is.
   */
  static WardenRequest authenticated(WardenRequest request, String authorization) {
    Headers headers = withoutSessionCookies(request.headers()).with("Authorization", authorization);
    return new WardenRequest(request.method(), withoutCredentials(request.uri()), headers, request.body());
  }

  /** The request without any credential of Warden's or the application's, for a hop to a host that is not the site's. */
  static WardenRequest anonymous(WardenRequest request) {
    return request.withHeaders(request.headers().without("Authorization").without("Cookie"));
  }

  private static Headers withoutSessionCookies(Headers headers) {
    List<String> cookies = headers.all("Cookie");
    if (cookies.isEmpty()) {
      return headers;
    }
    List<String> kept = new ArrayList<>(cookies.size());
    for (String header : cookies) {
      String rest = withoutSessionCookies(header);
      if (!rest.isEmpty()) {
        kept.add(rest);
      }
    }
    return headers.with("Cookie", kept);
  }

  /** One {@code Cookie} field without Jira's session cookies (empty when nothing else is left). */
  public static String withoutSessionCookies(String header) {
    List<String> pairs = new ArrayList<>();
    for (String pair : header.split(";")) {
      String trimmed = pair.trim();
      int eq = trimmed.indexOf('=');
      String name = (eq < 0 ? trimmed : trimmed.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      if (!trimmed.isEmpty() && !SESSION_COOKIES.contains(name)) {
        pairs.add(trimmed);
      }
    }
    return String.join("; ", pairs);
  }

  /** The URI without user information and without credential query parameters. */
  static URI withoutCredentials(URI uri) {
    String query = uri.getRawQuery();
    String keptQuery = query == null ? null : filterQuery(query, CREDENTIAL_PARAMETERS, false);
    if (uri.getRawUserInfo() == null && (query == null || query.equals(keptQuery))) {
      return uri;
    }
    return URI.create(rebuild(uri, keptQuery, false));
  }

  /** {@code url.full} as the audit shows it: user information and credential parameters redacted. */
  public static String redacted(URI uri) {
    String query = uri.getRawQuery();
    return rebuild(uri, query == null ? null : filterQuery(query, REDACTED_PARAMETERS, true), true);
  }

  /** A parameter name as the server reads it ({@code os%5Fpassword} is {@code os_password}). */
  private static String decoded(String name) {
    if (name.indexOf('%') < 0 && name.indexOf('+') < 0) {
      return name;
    }
    try {
      return java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return name;
    }
  }

  private static String filterQuery(String query, Set<String> names, boolean redact) {
    StringBuilder out = new StringBuilder(query.length());
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = decoded(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
      String kept = pair;
      if (names.contains(name)) {
        if (!redact) {
          continue;
        }
        kept = pair.substring(0, eq < 0 ? pair.length() : eq) + "=REDACTED";
      }
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(kept);
    }
    return out.toString();
  }

  private static String rebuild(URI uri, String query, boolean redactUserInfo) {
    StringBuilder out = new StringBuilder(64).append(uri.getScheme()).append("://");
    if (uri.getRawUserInfo() != null && redactUserInfo) {
      out.append("REDACTED:REDACTED@");
    }
    out.append(uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost());
    if (uri.getPort() >= 0) {
      out.append(':').append(uri.getPort());
    }
    out.append(uri.getRawPath() == null ? "" : uri.getRawPath());
    if (query != null && !query.isEmpty()) {
      out.append('?').append(query);
    }
    return out.toString();
  }
}
