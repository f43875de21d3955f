package dev.warden.testapps.fakejira;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * A fake Jira that behaves like Jira where Warden can tell: it checks Basic and Bearer credentials,
 * answers in Jira's error shapes, sends Jira's {@code X-RateLimit-*} fields, can be told to answer
 * 429 with {@code Retry-After}, redirects attachment content to another host, and keeps a journal
 * of every request it received.
 */
public final class FakeJira implements AutoCloseable {

  /**
   * A response the fake gives instead of serving, once.
   *
   * @param method the method of the request it answers, or {@code null} for any
   * @param pathPart a text the request's path contains, or {@code null} for any
   */
  public record Scripted(
      String method, String pathPart, int status, Map<String, String> headers, String body) {

    boolean answers(String requestMethod, String path) {
      return (method == null || method.equals(requestMethod))
          && (pathPart == null || path.contains(pathPart));
    }
  }

  /** How the fake limits rate: Jira Cloud's burst limit, 100 requests a second per tenant. */
  static final int RATE_LIMIT = 100;

  /** The burst limit its rate-limit headers count against. */
  private final int advertisedLimit;

  private final Server server;
  private final String contextPath;
  private final Map<String, String> basicUsers;
  private final Map<String, String> bearerTokens;
  private final Journal journal;
  private final ConcurrentLinkedQueue<Scripted> scripted = new ConcurrentLinkedQueue<>();
  private final JiraApi api;
  private final RateLimiter limiter;
  private final FakeOAuth oauth;
  private final java.util.concurrent.atomic.AtomicInteger refused =
      new java.util.concurrent.atomic.AtomicInteger();
  private final AtomicLong windowSecond = new AtomicLong();
  private final AtomicLong windowCount = new AtomicLong();
  private final Faults faults = new Faults();

  private FakeJira(Builder builder) throws Exception {
    this.contextPath = builder.contextPath;
    this.basicUsers = Map.copyOf(builder.basicUsers);
    this.bearerTokens = Map.copyOf(builder.bearerTokens);
    this.limiter = builder.limiter;
    this.advertisedLimit = builder.advertisedLimit;
    this.journal = new Journal(builder.journal);
    this.oauth = builder.oauth;
    this.api =
        new JiraApi(
            contextPath,
            builder.mediaHost == null ? URI.create("http://localhost:9/") : builder.mediaHost);
    this.server =
        Servers.start(
            "fake-jira",
            new Handler.Abstract() {
              @Override
              public boolean handle(Request request, Response response, Callback callback)
                  throws Exception {
                FakeJira.this.handle(request, response, callback);
                return true;
              }
            },
            builder.tls);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures a fake Jira. */
  public static final class Builder {
    private String contextPath = "";
    private final Map<String, String> basicUsers = new HashMap<>();
    private final Map<String, String> bearerTokens = new HashMap<>();
    private URI mediaHost;
    private Tls tls;
    private RateLimiter limiter;
    private FakeOAuth oauth;
    private boolean journal = true;
    private int advertisedLimit = RATE_LIMIT;

    /**
     * The requests a second its {@code X-RateLimit-*} headers count against (100 unless told;
     * {@code X-RateLimit-NearLimit} past four fifths of it): a tenant with a higher limit, for a
     * load that should not be told to slow down.
     */
    public Builder advertisedLimit(int perSecond) {
      this.advertisedLimit = perSecond;
      return this;
    }

    /**
     * Keeps no journal of what it received (a benchmark's millions of requests): {@link #journal()}
     * stays empty.
     */
    public Builder withoutJournal() {
      this.journal = false;
      return this;
    }

    /**
     * Accepts {@code Authorization: Bearer} access tokens this OAuth server issued and that have
     * not expired.
     */
    public Builder oauth(FakeOAuth server) {
      this.oauth = server;
      return this;
    }

    /**
     * Enforces Jira Cloud's rate limits: the burst limit per endpoint and method ({@code reads} a
     * second for GET and POST, {@code writes} for PUT and DELETE; Jira's are 100 and 50) and the
     * per-issue write limit (20 per 2 s, 100 per 30 s), answering 429 with Jira's headers.
     */
    public Builder rateLimits(int reads, int writes) {
      this.limiter = new RateLimiter(reads, writes);
      return this;
    }

    /** Serves under a context path such as {@code /jira}, as Data Center installs often do. */
    public Builder contextPath(String path) {
      this.contextPath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      return this;
    }

    /** Accepts {@code Authorization: Basic base64(user:token)}. */
    public Builder basicUser(String user, String token) {
      basicUsers.put(user, token);
      return this;
    }

    /**
     * Accepts {@code Authorization: Bearer token}; {@code name} is how the journal names who it
     * was.
     */
    public Builder bearerToken(String name, String token) {
      bearerTokens.put(token, name);
      return this;
    }

    /** Where attachment content redirects to (Jira Cloud serves it from another host). */
    public Builder mediaHost(URI host) {
      this.mediaHost = host;
      return this;
    }

    /** Also serves HTTPS (HTTP/1.1 and HTTP/2) with this certificate. */
    public Builder tls(Tls tls) {
      this.tls = tls;
      return this;
    }

    public FakeJira start() throws Exception {
      return new FakeJira(this);
    }
  }

  /** The site URL in clear: {@code http://127.0.0.1:<port>[/context]}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + Servers.port(server, 0) + contextPath);
  }

  /** The site URL over TLS: {@code https://localhost:<port>[/context]}. */
  public URI httpsUrl() {
    return URI.create("https://localhost:" + Servers.port(server, 1) + contextPath);
  }

  /** Every request received. */
  public Journal journal() {
    return journal;
  }

  /** The faults it can be told to inject, and what became of each request that carried an id. */
  public Faults faults() {
    return faults;
  }

  /** How many requests the enforced rate limits refused with 429. */
  public int refused() {
    return refused.get();
  }

  /**
   * Answers the next {@code count} requests with {@code status} and these fields instead of serving
   * them.
   */
  public void failNext(int count, int status, Map<String, String> headers, String body) {
    for (int i = 0; i < count; i++) {
      scripted.add(new Scripted(null, null, status, headers, body));
    }
  }

  /**
   * Answers the next request with this method and a path containing {@code pathPart} with {@code
   * status} and these fields.
   */
  public void failNext(
      String method, String pathPart, int status, Map<String, String> headers, String body) {
    scripted.add(new Scripted(method, pathPart, status, headers, body));
  }

  /** Forgets the scripted answers no request used. */
  public void clearScripted() {
    scripted.clear();
  }

  private Scripted scriptedFor(String method, String path) {
    for (Scripted next : scripted) {
      if (next.answers(method, path) && scripted.remove(next)) {
        return next;
      }
    }
    return null;
  }

  private void handle(Request request, Response response, Callback callback) throws Exception {
    String principal = authenticate(request.getHeaders().get("Authorization"));
    Received received = journal.record(request, principal);
    String delay = request.getHeaders().get("X-Fake-Delay-Ms");
    if (delay != null) {
      // A slow Jira, for read timeouts.
      Thread.sleep(Long.parseLong(delay));
    }
    if (faults.apply(request, response, callback)) {
      return;
    }
    rateLimitHeaders(response);
    String path = received.path();
    if (!path.startsWith(contextPath + "/")) {
      Responses.text(response, callback, 404, "text/html", "<html><body>Not Found</body></html>");
      return;
    }
    if (limiter != null && principal != null) {
      long now = System.currentTimeMillis();
      List<String> parts =
          new ArrayList<>(List.of(path.substring(contextPath.length() + 1).split("/")));
      parts.removeIf(String::isEmpty);
      String issue = null;
      StringBuilder endpoint = new StringBuilder();
      for (int i = 0; i < parts.size(); i++) {
        String part = parts.get(i);
        boolean id = part.matches("[A-Za-z][A-Za-z0-9_]*-[0-9]+|[0-9]+");
        if (id && i > 0 && parts.get(i - 1).equals("issue")) {
          issue = part.toUpperCase(java.util.Locale.ROOT);
        }
        endpoint.append('/').append(id ? "{id}" : part);
      }
      RateLimiter.Refusal refusal =
          limiter.admit(request.getMethod(), endpoint.toString(), issue, now);
      if (refusal != null) {
        refused.incrementAndGet();
        faults.note(request, Faults.Fate.RATE_LIMITED);
        RateLimiter.headers(refusal, now).forEach((k, v) -> response.getHeaders().put(k, v));
        Responses.json(response, callback, 429, Responses.error("Rate limit exceeded."));
        return;
      }
    }
    Scripted next = scripted.isEmpty() ? null : scriptedFor(request.getMethod(), path);
    if (next != null) {
      faults.note(request, next.status() == 429 ? Faults.Fate.RATE_LIMITED : Faults.Fate.ERROR);
      next.headers().forEach((k, v) -> response.getHeaders().put(k, v));
      Responses.text(
          response, callback, next.status(), "application/json;charset=UTF-8", next.body());
      return;
    }
    List<String> segments =
        new ArrayList<>(List.of(path.substring(contextPath.length() + 1).split("/")));
    segments.removeIf(String::isEmpty);
    boolean api =
        segments.size() >= 3
            && segments.get(0).equals("rest")
            && segments.get(1).equals("api")
            && List.of("2", "3", "latest").contains(segments.get(2));
    List<String> rest = api ? segments.subList(3, segments.size()) : segments;
    if (api && rest.equals(List.of("serverInfo")) && request.getMethod().equals("GET")) {
      Responses.json(response, callback, 200, serverInfo());
      return;
    }
    if (principal == null) {
      faults.note(request, Faults.Fate.UNAUTHORIZED);
      unauthorized(request, response, callback);
      return;
    }
    faults.note(request, Faults.Fate.SERVED);
    if (!api) {
      Responses.json(response, callback, 404, Responses.error("null for uri: " + path));
      return;
    }
    this.api.serve(executed(request), rest, received.body(), principal, response, callback);
  }

  /**
   * The method Jira executes: a POST's {@code X-HTTP-Method-Override} or {@code _method} wins, as
   * Jersey's method-override filter does where it is enabled (the fake takes the worst case).
   */
  private static String executed(Request request) {
    if (!request.getMethod().equals("POST")) {
      return request.getMethod();
    }
    String field = request.getHeaders().get("X-HTTP-Method-Override");
    if (field != null) {
      return field.trim().toUpperCase(java.util.Locale.ROOT);
    }
    String query = request.getHttpURI().getQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("_method=")) {
          return pair.substring("_method=".length()).toUpperCase(java.util.Locale.ROOT);
        }
      }
    }
    return request.getMethod();
  }

  /** Who the credentials identify, or {@code null} for none or wrong ones. */
  private String authenticate(String authorization) {
    if (authorization == null) {
      return null;
    }
    if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).trim()),
                StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon > 0
            && pair.substring(colon + 1).equals(basicUsers.get(pair.substring(0, colon)))) {
          return "basic:" + pair.substring(0, colon);
        }
      } catch (IllegalArgumentException e) {
        return null;
      }
      return null;
    }
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).trim();
      String name = bearerTokens.get(token);
      if (name == null && oauth != null) {
        String principal = oauth.principal(token);
        return principal == null ? null : "oauth:" + principal;
      }
      return name == null ? null : "bearer:" + name;
    }
    return null;
  }

  private static void unauthorized(Request request, Response response, Callback callback) {
    boolean offered = request.getHeaders().get("Authorization") != null;
    response.getHeaders().put("WWW-Authenticate", "Basic realm=\"protected-area\"");
    response
        .getHeaders()
        .put("X-Seraph-LoginReason", offered ? "AUTHENTICATED_FAILED" : "AUTHENTICATION_DENIED");
    Responses.json(
        response,
        callback,
        401,
        Responses.error(
            "You are not authenticated. Authentication required to perform this operation."));
  }

  /** Jira Cloud's rate-limit fields, counted per second. */
  private void rateLimitHeaders(Response response) {
    long second = System.currentTimeMillis() / 1000;
    if (windowSecond.getAndSet(second) != second) {
      windowCount.set(0);
    }
    long remaining = Math.max(0, advertisedLimit - windowCount.incrementAndGet());
    response.getHeaders().put("X-RateLimit-Limit", Integer.toString(advertisedLimit));
    response.getHeaders().put("X-RateLimit-Remaining", Long.toString(remaining));
    response
        .getHeaders()
        .put(
            "X-RateLimit-Reset",
            Instant.ofEpochSecond(second + 1).truncatedTo(ChronoUnit.SECONDS).toString());
    if (remaining < advertisedLimit / 5) {
      response.getHeaders().put("X-RateLimit-NearLimit", "true");
    }
  }

  private static Map<String, Object> serverInfo() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("baseUrl", "https://fake.atlassian.net");
    info.put("version", "1001.0.0-SNAPSHOT");
    info.put("deploymentType", "Cloud");
    info.put("serverTitle", "Fake Jira");
    return info;
  }

  @Override
  public void close() {
    Servers.stop(server);
  }
}
