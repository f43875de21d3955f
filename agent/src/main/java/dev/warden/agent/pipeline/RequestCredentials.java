package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * What counts as a credential in a request (CONTRACT section 4), and the one place that says so:
 * the {@code Authorization} field, Jira's session cookies in {@code Cookie} fields, the URL's user
 * information and Jira's {@code os_username}/{@code os_password} query parameters; and what else a
 * site must not receive from the application, a method override. The pipeline builds what a site
 * receives and what any other host receives from it; hooks apply the {@link HeaderEdits} it makes
 * to their client's own request objects (a hop a library follows on its own, what an application
 * can read back), and never name a credential field themselves. {@code Proxy-Authorization} is the
 * proxy's and is never touched. Also redacts credentials from URLs that the audit and {@code
 * explain} show.
 */
public final class RequestCredentials {

  private static final String AUTHORIZATION = "Authorization";
  private static final String COOKIE = "Cookie";

  /** Jira's session cookies: credentials the application must not send on its own. */
  static final Set<String> SESSION_COOKIES =
      Set.of("jsessionid", "cloud.session.token", "tenant.session.token");

  /**
   * Fields that ask a server to execute another method than the request's. Jira's REST stack runs
   * on Jersey, whose method-override filter honours {@code X-HTTP-Method-Override} and {@code
   * _method} on a POST where it is enabled; the others are their common spellings. Warden decides
   * the request's own method, so none of them reaches a site: whatever Jira honours, it executes
   * the method Warden decided.
   */
  static final List<String> METHOD_OVERRIDE_FIELDS =
      List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

  /** The query parameter that asks a server to execute another method than the request's. */
  static final String METHOD_OVERRIDE_PARAMETER = "_method";

  /** What a site never receives in the query: Jira's login parameters and a method override. */
  private static final Set<String> SITE_REMOVED_PARAMETERS =
      Set.of("os_username", "os_password", METHOD_OVERRIDE_PARAMETER);

  /** Query parameters whose values {@code url.full} never shows. */
  private static final Set<String> REDACTED_PARAMETERS =
      Set.of(
          "os_username",
          "os_password",
          "os_authtype",
          "access_token",
          "token",
          "jwt",
          "api_key",
          "apikey",
          "password",
          "awsaccesskeyid",
          "signature",
          "sig",
          "x-goog-signature",
          "x-amz-signature",
          "x-amz-security-token");

  /**
   * The fields an application never reads back from its own request object: the credential Warden
   * sets, and, as the JDK's own {@code HttpURLConnection} hides it, the proxy's.
   */
  private static final Set<String> UNREADABLE = Set.of("authorization", "proxy-authorization");

  /** For a hop to a host that is not a site, after a hop to one: every credential field goes. */
  private static final HeaderEdits OFF_SITE =
      new HeaderEdits(List.of(AUTHORIZATION, COOKIE), Headers.EMPTY);

  private RequestCredentials() {}

  /**
   * The request a site receives: the application's {@code Authorization}, session cookies, URL user
   * information and {@code os_username}/{@code os_password} removed, the site's {@code
   * Authorization} set.
   */
  static WardenRequest forSite(WardenRequest request, String authorization) {
    Headers headers = withoutSessionCookies(request.headers()).with(AUTHORIZATION, authorization);
    for (String field : METHOD_OVERRIDE_FIELDS) {
      headers = headers.without(field);
    }
    return new WardenRequest(
        request.method(), withoutCredentials(request.uri()), headers, request.body());
  }

  /**
   * The method override a request asks for ({@link #METHOD_OVERRIDE_FIELDS}, {@code _method}), as
   * {@code name} for a log line, or {@code null} for none.
   */
  static String methodOverride(WardenRequest request) {
    for (String field : METHOD_OVERRIDE_FIELDS) {
      if (request.headers().has(field)) {
        return field;
      }
    }
    String query = request.uri().getRawQuery();
    if (query != null
        && query.contains("method")
        && !query.equals(filterQuery(query, Set.of(METHOD_OVERRIDE_PARAMETER), false))) {
      return METHOD_OVERRIDE_PARAMETER;
    }
    return null;
  }

  /** The request a host that is not a site receives when a redirect of a Jira call goes there. */
  static WardenRequest offSite(WardenRequest request) {
    return request.withHeaders(OFF_SITE.applyTo(request.headers()));
  }

  /**
   * What a hook does to a hop its library sends on its own (a redirect it follows) to a host that
   * is not a site, after a hop of the same call went to one: no credential goes along.
   */
  static HeaderEdits offSite() {
    return OFF_SITE;
  }

  /**
   * What a request object the application can reach after the call must show instead of Warden's
   * credential: the application's own {@code Authorization} fields, or none.
   *
   * @param own the fields of the request as the application made it
   */
  public static HeaderEdits readBack(Headers own) {
    return new HeaderEdits(
        List.of(AUTHORIZATION),
        Headers.of(java.util.Map.of(AUTHORIZATION, own.all(AUTHORIZATION))));
  }

  /**
   * Whether a request object a client links to (a hop it sent) carried a credential, so that it
   * must be shown with {@link #readBack} before the application can reach it.
   *
   * @param header the object's field value by name, {@code null} when absent
   */
  public static boolean carried(Function<String, String> header) {
    return header.apply(AUTHORIZATION) != null;
  }

  /** Whether an application may read this field back from the request it made. */
  public static boolean readable(String name) {
    return !UNREADABLE.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The credential fields of a request Warden sent, to hold a client to them when it adds fields of
   * its own as it writes the request (its cookie store, its authentication): see {@link #reassert}.
   */
  public static Headers decided(Headers sent) {
    java.util.Map<String, List<String>> fields = new java.util.LinkedHashMap<>();
    fields.put(AUTHORIZATION, sent.all(AUTHORIZATION));
    fields.put(COOKIE, sent.all(COOKIE));
    return Headers.of(fields);
  }

  /** Whether Warden set a credential on the request these {@link #decided} fields came from. */
  public static boolean authenticated(Headers decided) {
    return decided.has(AUTHORIZATION);
  }

  /**
   * The edits that bring a request a client is about to write back to what Warden decided: its
   * {@code Authorization} exactly as Warden set it, and, of the {@code Cookie} fields the client
   * added, none of Jira's session cookies.
   *
   * @param decided what {@link #decided} kept of the request Warden sent
   * @param cookies the {@code Cookie} field values the request holds now
   */
  public static HeaderEdits reassert(Headers decided, List<String> cookies) {
    List<String> removed = new ArrayList<>(2);
    removed.add(AUTHORIZATION);
    java.util.Map<String, List<String>> added = new java.util.LinkedHashMap<>();
    added.put(AUTHORIZATION, decided.all(AUTHORIZATION));
    if (!cookies.isEmpty()) {
      removed.add(COOKIE);
      List<String> kept = new ArrayList<>(cookies.size());
      for (String value : cookies) {
        String cookie = decided.all(COOKIE).contains(value) ? value : withoutSessionCookies(value);
        if (!cookie.isEmpty()) {
          kept.add(cookie);
        }
      }
      added.put(COOKIE, kept);
    }
    return new HeaderEdits(removed, Headers.of(added));
  }

  /** The {@code Cookie} values of a client's request, by its own accessor. */
  public static List<String> cookies(Function<String, List<String>> all) {
    return all.apply(COOKIE);
  }

  private static Headers withoutSessionCookies(Headers headers) {
    List<String> cookies = headers.all(COOKIE);
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
    return headers.with(COOKIE, kept);
  }

  /** One {@code Cookie} field without Jira's session cookies (empty when nothing else is left). */
  static String withoutSessionCookies(String header) {
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

  /**
   * The URI without user information, without credential query parameters and without {@code
   * _method}.
   */
  static URI withoutCredentials(URI uri) {
    String query = uri.getRawQuery();
    String keptQuery = query == null ? null : filterQuery(query, SITE_REMOVED_PARAMETERS, false);
    if (uri.getRawUserInfo() == null && (query == null || query.equals(keptQuery))) {
      return uri;
    }
    return URI.create(rebuild(uri, keptQuery, false));
  }

  /**
   * {@code url.full} as the audit shows it: user information and credential parameters redacted.
   */
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
      return URLDecoder.decode(name, StandardCharsets.UTF_8);
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
    String host = String.valueOf(dev.warden.policy.SiteUrl.hostOf(uri));
    out.append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host);
    int port = dev.warden.policy.SiteUrl.portOf(uri);
    if (port >= 0) {
      out.append(':').append(port);
    }
    out.append(uri.getRawPath() == null ? "" : uri.getRawPath());
    if (query != null && !query.isEmpty()) {
      out.append('?').append(query);
    }
    return out.toString();
  }
}
