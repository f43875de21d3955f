package dev.warden.testapps.fakejira;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * A fake of Atlassian's token endpoint ({@code POST /oauth/token}, JSON or form body) that behaves
 * the way integrations trip over: access tokens that expire (after seconds, in tests); every
 * refresh returns a new refresh token and the old one stops working; a rotated token presented
 * again within the grace window (10 minutes at Atlassian) is accepted, after it the whole token
 * family is revoked; a refused refresh answers 403 {@code invalid_grant}. Also the
 * client-credentials grant of service accounts. The fake Jira asks it which access tokens are valid
 * ({@link #principal}).
 */
public final class FakeOAuth implements AutoCloseable {

  /**
   * One token request as the fake received it: the grant, and which refresh token was presented
   * (never printed by tests).
   */
  public record Exchange(
      String grantType, String clientId, String refreshToken, int status, long atMillis) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> clients = new ConcurrentHashMap<>();
  private final Map<String, Family> byRefreshToken = new ConcurrentHashMap<>();
  private final Map<String, Access> accessTokens = new ConcurrentHashMap<>();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> issued = ConcurrentHashMap.newKeySet();
  private final LongSupplier clock;
  private volatile long accessTtlSeconds = 3600;
  private volatile long graceMillis = 10 * 60_000;
  private volatile int failWith;
  private volatile long delayMillis;
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();
  private Server server;
  private int port;

  private record Access(String principal, long expiresAtMillis, Family family) {}

  /** One consent: its refresh tokens in order, the last current. */
  private static final class Family {
    final String principal;
    final List<String> tokens = new ArrayList<>();
    final Map<String, Long> rotatedAt = new HashMap<>();
    boolean revoked;

    Family(String principal) {
      this.principal = principal;
    }

    String current() {
      return tokens.get(tokens.size() - 1);
    }
  }

  private FakeOAuth(LongSupplier clock) {
    this.clock = clock;
  }

  /** Starts the fake on a free loopback port. */
  public static FakeOAuth start() throws Exception {
    FakeOAuth oauth = new FakeOAuth(System::currentTimeMillis);
    oauth.listen(0);
    return oauth;
  }

  private synchronized void listen(int onPort) throws Exception {
    server =
        Servers.start(
            "fake-oauth",
            new Handler.Abstract() {
              @Override
              public boolean handle(Request request, Response response, Callback callback)
                  throws Exception {
                FakeOAuth.this.handle(request, response, callback);
                return true;
              }
            },
            null,
            onPort);
    port = Servers.port(server, 0);
  }

  /** The token endpoint. */
  public URI tokenUrl() {
    return URI.create("http://127.0.0.1:" + port + "/oauth/token");
  }

  /** Registers an OAuth client (an app, or a service account). */
  public FakeOAuth client(String clientId, String clientSecret) {
    clients.put(clientId, clientSecret);
    return this;
  }

  /** How long access tokens last. */
  public FakeOAuth accessTokenSeconds(long seconds) {
    this.accessTtlSeconds = seconds;
    return this;
  }

  /** How long a rotated refresh token is still accepted. */
  public FakeOAuth graceMillis(long millis) {
    this.graceMillis = millis;
    return this;
  }

  /** A user's consent: the first refresh token of a new family. */
  public synchronized String consent(String principal) {
    Family family = new Family(principal);
    String token = "rt-" + random();
    family.tokens.add(token);
    byRefreshToken.put(token, family);
    return token;
  }

  /** Answers every token request with this status (503: the endpoint is down) until {@code 0}. */
  public void failWith(int status) {
    this.failWith = status;
  }

  /** Answers every token request this much later (a slow endpoint), until {@code 0}. */
  public void delayMillis(long millis) {
    this.delayMillis = millis;
  }

  private final java.util.concurrent.atomic.AtomicReference<
          java.util.concurrent.CompletableFuture<Void>>
      holdNext = new java.util.concurrent.atomic.AtomicReference<>();
  private volatile java.util.concurrent.CountDownLatch released =
      new java.util.concurrent.CountDownLatch(0);

  /**
   * Holds the answer to the next refresh that rotates a refresh token: the endpoint has rotated
   * (the old token is now only accepted within the grace), and the client has not heard of it until
   * {@link #release()}. A test kills the JVM that asked meanwhile: a crash between the refresh and
   * its write-back.
   *
   * @return completes when such a refresh is held
   */
  public java.util.concurrent.CompletableFuture<Void> holdNextRotation() {
    java.util.concurrent.CompletableFuture<Void> held =
        new java.util.concurrent.CompletableFuture<>();
    released = new java.util.concurrent.CountDownLatch(1);
    holdNext.set(held);
    return held;
  }

  /** Lets a held answer go (to a client that may be gone). */
  public void release() {
    released.countDown();
  }

  /** How many token requests are being answered right now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Stops listening (connections refused) until {@link #restart()}. */
  public synchronized void stop() {
    Servers.stop(server);
  }

  /** Listens again, on the same port. */
  public synchronized void restart() throws Exception {
    listen(port);
  }

  /** Who a valid, unexpired access token belongs to, or {@code null}. */
  public String principal(String accessToken) {
    Access access = accessTokens.get(accessToken);
    if (access == null
        || access.expiresAtMillis <= clock.getAsLong()
        || (access.family != null && access.family.revoked)) {
      return null;
    }
    return access.principal;
  }

  /**
   * Whether the family a refresh token belongs to was revoked (a rotated token presented too late).
   */
  public synchronized boolean revoked(String refreshToken) {
    Family family = byRefreshToken.get(refreshToken);
    return family == null || family.revoked;
  }

  /** Makes every access token issued so far invalid (Jira then answers 401 to it). */
  public void revokeAccessTokens() {
    accessTokens.clear();
  }

  /** Every access token issued so far, valid or not: for tests that prove none leaked. */
  public java.util.Set<String> issuedAccessTokens() {
    return java.util.Set.copyOf(issued);
  }

  /** Every refresh token issued so far. */
  public synchronized java.util.Set<String> issuedRefreshTokens() {
    return java.util.Set.copyOf(byRefreshToken.keySet());
  }

  /** Every token request so far. */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  private void handle(Request request, Response response, Callback callback) throws Exception {
    inFlight.incrementAndGet();
    try {
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
      answer(request, response, callback);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void answer(Request request, Response response, Callback callback) throws Exception {
    ByteBuffer buffer = Content.Source.asByteBuffer(request);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    String body = new String(bytes, StandardCharsets.UTF_8);
    Map<String, String> form = parse(request.getHeaders().get("Content-Type"), body);
    String grant = form.getOrDefault("grant_type", "");
    String clientId = form.get("client_id");
    String presented = form.get("refresh_token");
    if (!request.getHttpURI().getPath().equals("/oauth/token")
        || !request.getMethod().equals("POST")) {
      Responses.json(response, callback, 404, Map.of("error", "not_found"));
      return;
    }
    int status;
    Map<String, Object> answer;
    if (failWith != 0) {
      status = failWith;
      answer = Map.of("error", "temporarily_unavailable");
    } else if (clientId == null
        || !form.getOrDefault("client_secret", "").equals(clients.get(clientId))) {
      status = 401;
      answer = Map.of("error", "access_denied", "error_description", "Unauthorized");
    } else if (grant.equals("client_credentials")) {
      status = 200;
      answer = issue(clientId, null, null);
    } else if (grant.equals("refresh_token") && presented != null) {
      synchronized (this) {
        Family family = byRefreshToken.get(presented);
        long now = clock.getAsLong();
        if (family == null || family.revoked) {
          status = 403;
          answer = invalidGrant();
        } else if (presented.equals(family.current())) {
          status = 200;
          answer = rotate(family, now);
        } else if (now - family.rotatedAt.get(presented) <= graceMillis) {
          // A just-rotated token presented again (a crash between refresh and write-back): accepted
          // once more.
          status = 200;
          answer = rotate(family, now);
        } else {
          family.revoked = true;
          status = 403;
          answer = invalidGrant();
        }
      }
    } else {
      status = 400;
      answer = Map.of("error", "unsupported_grant_type");
    }
    exchanges.add(new Exchange(grant, clientId, presented, status, clock.getAsLong()));
    java.util.concurrent.CompletableFuture<Void> held =
        status == 200 && answer.containsKey("refresh_token") ? holdNext.getAndSet(null) : null;
    if (held != null) {
      held.complete(null);
      released.await(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    Responses.json(response, callback, status, answer);
  }

  private Map<String, Object> rotate(Family family, long now) {
    String previous = family.current();
    family.rotatedAt.put(previous, now);
    String next = "rt-" + random();
    family.tokens.add(next);
    byRefreshToken.put(next, family);
    return issue(family.principal, next, family);
  }

  private Map<String, Object> issue(String principal, String refreshToken, Family family) {
    String access = "at-" + random();
    accessTokens.put(
        access, new Access(principal, clock.getAsLong() + accessTtlSeconds * 1000, family));
    issued.add(access);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("access_token", access);
    out.put("expires_in", accessTtlSeconds);
    out.put("token_type", "Bearer");
    out.put("scope", "read:jira-work write:jira-work offline_access");
    if (refreshToken != null) {
      out.put("refresh_token", refreshToken);
    }
    return out;
  }

  private static Map<String, Object> invalidGrant() {
    return Map.of(
        "error", "invalid_grant", "error_description", "Unknown or invalid refresh token.");
  }

  private static Map<String, String> parse(String contentType, String body) throws Exception {
    Map<String, String> form = new HashMap<>();
    if (contentType != null && contentType.startsWith("application/json")) {
      JsonNode json = Responses.JSON.readTree(body.isEmpty() ? "{}" : body);
      json.fields().forEachRemaining(e -> form.put(e.getKey(), e.getValue().asText()));
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(
            java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static String random() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public void close() {
    Servers.stop(server);
  }
}
