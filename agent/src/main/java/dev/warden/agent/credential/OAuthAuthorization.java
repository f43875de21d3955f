package dev.warden.agent.credential;

import dev.warden.agent.log.Log;
import dev.warden.policy.Credential;
import dev.warden.policy.secret.SecretRef;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import dev.warden.policy.secret.Template;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@code oauth2-refresh} and {@code oauth2-client-credentials} (CONTRACT section 3): an access token
 * fetched at first use and renewed before it expires, one request to the token endpoint at a time
 * however many threads wait. For a refresh grant, the rotated refresh token is written back to the
 * {@code ${file:}} it came from, atomically (a temporary file beside it, the same permissions, then
 * a rename), before the new access token is used; a refresh token the endpoint refuses
 * ({@code invalid_grant}) stops all refreshing, with one log line, until the file holds another.
 * While the endpoint cannot be reached the cached token serves until it expires, and the endpoint is
 * asked again at most every few seconds.
 *
 * <p>Its state outlives policy reloads: a reload that keeps the credential keeps its tokens.
 */
final class OAuthAuthorization implements Authorization {

  /** A token is renewed when less than this part of its life is left (a fifth), and at most a minute before it ends. */
  private static final long MAX_SKEW_NANOS = 60_000_000_000L;

  private static final String REFUSED = "the token endpoint refused its refresh token (invalid_grant): ";

  /** How soon a JVM asks the store again while another JVM renews the token and its own still serves. */
  private static final long BUSY_RETRY_NANOS = 100_000_000L;

  private static final long FIRST_BACKOFF_NANOS = 1_000_000_000L;
  private static final long MAX_BACKOFF_NANOS = 30_000_000_000L;
  private static final long MAX_STORE_BACKOFF_NANOS = 5_000_000_000L;

  private static final ConcurrentHashMap<String, OAuthAuthorization> SHARED = new ConcurrentHashMap<>();

  /** How long Atlassian still accepts a rotated refresh token. */
  static final long ROTATED_GRACE_MILLIS = 10 * 60_000;

  /** A fault the end-to-end tests inject ({@code -Dwarden.test.crash-before-write-back=true}): never set in production. */
  static final boolean CRASH_BEFORE_WRITE_BACK = Boolean.getBoolean("warden.test.crash-before-write-back");

  private final Credential credential;
  private final SecretResolver resolver;
  private final LongSupplier nanoTime;
  private final TokenEndpoint endpoint;

  private record Token(String headerValue, long expiresAtNanos, long renewAtNanos) {
    @Override
    public String toString() {
      return "Token[expiresAtNanos=" + expiresAtNanos + "]";
    }
  }

  private volatile Token token;
  /** Held by the one thread renewing the token; the others wait only when they have no token that still serves. */
  private final java.util.concurrent.locks.ReentrantLock renewing = new java.util.concurrent.locks.ReentrantLock();
  /** The header value Jira last answered 401 to: never taken from a store again. */
  private volatile String invalidated;
  /** For a refresh grant kept in a store: the fleet's shared state; else {@code null}. */
  private final SharedGrant shared;
  /** The refresh token in use (after a rotation, the new one, also when it could not be written back). */
  private String refreshToken;
  /** What the file held when Warden last read or wrote it: a different content is an operator's new consent. */
  private String fileContent;
  /** The refresh token the endpoint refused, while it is still the one in the file; {@code null} when none was. */
  private String refused;
  /** When the refresh token last rotated: the one before is still accepted for {@link #ROTATED_GRACE_MILLIS} after. */
  private long rotatedAtMillis;
  private String failure;
  private long retryAtNanos;
  private long backoffNanos = FIRST_BACKOFF_NANOS;

  private OAuthAuthorization(Credential credential, SecretResolver resolver, LongSupplier nanoTime, TokenEndpoint endpoint) {
    this.credential = credential;
    this.resolver = resolver;
    this.nanoTime = nanoTime;
    this.endpoint = endpoint;
    this.shared = credential instanceof Credential.OAuth2Refresh r && r.store().isPresent()
        ? new SharedGrant(r, resolver, endpoint) : null;
  }

  /** The credential's authorization, the same across policy reloads while its definition stays the same. */
  static OAuthAuthorization of(Credential credential, SecretResolver resolver, LongSupplier nanoTime) {
    return SHARED.compute(identity(credential), (k, old) -> old != null ? old
        : new OAuthAuthorization(credential, resolver, nanoTime, new TokenEndpoint()));
  }

  /** For tests: a fresh authorization on an injected clock. */
  static OAuthAuthorization fresh(Credential credential, SecretResolver resolver, LongSupplier nanoTime) {
    return new OAuthAuthorization(credential, resolver, nanoTime, new TokenEndpoint());
  }

  private static String identity(Credential credential) {
    if (credential instanceof Credential.OAuth2Refresh r) {
      return String.join("\n", r.name(), r.type(), r.tokenUrl().text(), r.clientId().text(), r.clientSecret().text(),
          r.refreshToken().text(), String.valueOf(r.store()));
    }
    Credential.OAuth2ClientCredentials c = (Credential.OAuth2ClientCredentials) credential;
    return String.join("\n", c.name(), c.type(), c.tokenUrl().text(), c.clientId().text(), c.clientSecret().text(),
        c.scope().orElse(""));
  }

  @Override
  public String name() {
    return credential.name();
  }

  @Override
  public boolean ready() {
    Token current = token;
    return current != null && nanoTime.getAsLong() < current.renewAtNanos;
  }

  @Override
  public boolean refreshable() {
    return true;
  }

  @Override
  public void invalidate(String headerValue) {
    renewing.lock();
    try {
      Token current = token;
      if (current != null && current.headerValue.equals(headerValue)) {
        // Jira said 401 to it: renew now, whatever its expiry says.
        token = new Token(current.headerValue, current.expiresAtNanos, nanoTime.getAsLong());
        invalidated = headerValue;
      }
    } finally {
      renewing.unlock();
    }
  }

  @Override
  public String headerValue() throws SecretUnavailableException {
    Token current = token;
    long now = nanoTime.getAsLong();
    if (current != null && now < current.renewAtNanos) {
      return current.headerValue;
    }
    if (servable(current, now)) {
      if (!renewing.tryLock()) {
        // Due, but another thread renews it and it still serves: nobody waits for the renewal.
        return current.headerValue;
      }
    } else {
      renewing.lock();
    }
    try {
      // One renewal at a time: whoever waited here finds the token the first one fetched.
      current = token;
      now = nanoTime.getAsLong();
      if (current != null && now < current.renewAtNanos) {
        return current.headerValue;
      }
      if (now < retryAtNanos || (shared == null && refused != null && refused.equals(readRefreshTokenIfChanged()))) {
        return stale(current, now);
      }
      try {
        Token fresh = renew();
        if (fresh == null) {
          // Another JVM of the fleet is renewing it, and the current one still serves: asked again shortly.
          retryAtNanos = now + BUSY_RETRY_NANOS;
          return stale(current, nanoTime.getAsLong());
        }
        token = fresh;
        if (failure != null) {
          Log.get().info("credential '" + name() + "': its access token is renewed again");
        }
        failure = null;
        refused = null;
        backoffNanos = FIRST_BACKOFF_NANOS;
        retryAtNanos = 0;
        return fresh.headerValue;
      } catch (TokenEndpoint.Refused e) {
        if ("invalid_grant".equals(e.error) && credential instanceof Credential.OAuth2Refresh) {
          if (shared == null) {
            refused = refreshToken;
          } else {
            // The store says whether a new consent arrived: asked again in a second, the endpoint is not.
            retryAtNanos = now + FIRST_BACKOFF_NANOS;
          }
          // Said once by the credential stage (a repeated line at most once a minute); nothing asks the endpoint again
          // until the refresh token's source holds another one.
          failure = REFUSED + "consent must be renewed, and the new refresh token put in " + describeRefreshSource();
          if (servable(current, now)) {
            // The access token still serves until it expires; then the caller's 503 says why.
            Log.get().error("credential '" + name() + "': " + failure);
            return current.headerValue;
          }
          throw new SecretUnavailableException(failure);
        }
        failed(e.getMessage(), now);
      } catch (IOException e) {
        failed(e.getMessage(), now);
      } catch (SecretUnavailableException e) {
        failed(e.getMessage(), now);
      } catch (RuntimeException e) {
        // A defect or an unexpected answer (the store's client, a state that does not parse): backed off like any failure.
        failed("an internal error (" + e.getClass().getName() + ")", now);
      }
      return stale(token, nanoTime.getAsLong());
    } finally {
      renewing.unlock();
    }
  }

  /** The cached token while it lasts (and Jira has not refused it); past it, why there is none. */
  private String stale(Token current, long now) throws SecretUnavailableException {
    if (servable(current, now)) {
      return current.headerValue;
    }
    throw new SecretUnavailableException(failure != null ? failure : "no access token yet");
  }

  private boolean servable(Token current, long now) {
    return current != null && now < current.expiresAtNanos && !current.headerValue.equals(invalidated);
  }

  private void failed(String message, long now) {
    failure = message;
    retryAtNanos = now + backoffNanos;
    // A store is asked again sooner than a token endpoint: reading it costs Atlassian nothing.
    backoffNanos = Math.min(shared != null ? MAX_STORE_BACKOFF_NANOS : MAX_BACKOFF_NANOS, backoffNanos * 2);
    Log.get().warn("credential '" + name() + "': cannot renew its access token: " + message
        + (servable(token, now) ? "; the current one serves until it expires" : ""));
  }

  /** A new token; {@code null} when another JVM of the fleet is renewing it and the current one still serves. */
  private Token renew() throws IOException, SecretUnavailableException {
    Map<String, String> fields = new LinkedHashMap<>();
    URI url;
    if (credential instanceof Credential.OAuth2Refresh r) {
      if (shared != null) {
        long askedNanos = nanoTime.getAsLong();
        long askedMillis = System.currentTimeMillis();
        Token current = token;
        String invalidatedToken = current != null && current.headerValue.equals(invalidated) ? invalidated.substring("Bearer ".length()) : null;
        SharedGrant.Issued issued = shared.obtain(invalidatedToken, !servable(current, askedNanos));
        if (issued == null) {
          return null;
        }
        return new Token("Bearer " + issued.accessToken(), askedNanos + (issued.expiresAt() - askedMillis) * 1_000_000L,
            askedNanos + (issued.renewAt() - askedMillis) * 1_000_000L);
      }
      url = uri(r.tokenUrl(), resolver);
      String current = readRefreshTokenIfChanged();
      fields.put("grant_type", "refresh_token");
      fields.put("client_id", r.clientId().resolve(resolver).reveal());
      fields.put("client_secret", r.clientSecret().resolve(resolver).reveal());
      fields.put("refresh_token", current);
      long asked = nanoTime.getAsLong();
      TokenEndpoint.Tokens tokens = endpoint.request(url, fields);
      if (tokens.refreshToken() != null && !tokens.refreshToken().equals(current)) {
        if (CRASH_BEFORE_WRITE_BACK) {
          // A fault injected by the tests: the JVM dies between the refresh and its write-back.
          Runtime.getRuntime().halt(137);
        }
        // Rotated: the old one stops working, so the new one is kept before anything else happens.
        rotatedAtMillis = System.currentTimeMillis();
        refreshToken = tokens.refreshToken();
        writeBack(r.refreshToken(), tokens.refreshToken());
      }
      return token(tokens, asked);
    }
    Credential.OAuth2ClientCredentials c = (Credential.OAuth2ClientCredentials) credential;
    url = uri(c.tokenUrl(), resolver);
    fields.put("grant_type", "client_credentials");
    fields.put("client_id", c.clientId().resolve(resolver).reveal());
    fields.put("client_secret", c.clientSecret().resolve(resolver).reveal());
    c.scope().ifPresent(scope -> fields.put("scope", scope));
    long asked = nanoTime.getAsLong();
    return token(endpoint.request(url, fields), asked);
  }

  private Token token(TokenEndpoint.Tokens tokens, long askedAtNanos) {
    long life = Math.max(1, tokens.expiresInSeconds()) * 1_000_000_000L;
    long skew = Math.min(MAX_SKEW_NANOS, life / 5);
    return new Token("Bearer " + tokens.accessToken(), askedAtNanos + life, askedAtNanos + life - skew);
  }

  static URI uri(Template template, SecretResolver resolver) throws SecretUnavailableException {
    try {
      return URI.create(template.resolve(resolver).reveal());
    } catch (IllegalArgumentException e) {
      throw new SecretUnavailableException("token-url is not a URL");
    }
  }

  /**
   * The refresh token to present: the one in memory, unless its file now holds something Warden did
   * not write there (an operator's new consent).
   */
  private String readRefreshTokenIfChanged() throws SecretUnavailableException {
    Credential.OAuth2Refresh r = (Credential.OAuth2Refresh) credential;
    String inFile = r.refreshToken().resolve(resolver).reveal();
    if (refreshToken == null || !inFile.equals(fileContent)) {
      refreshToken = inFile;
      fileContent = inFile;
    }
    return refreshToken;
  }

  /** Writes the rotated refresh token where it came from: a temporary file beside it, the same permissions, an atomic rename. */
  private void writeBack(Template source, String value) {
    Path file = fileOf(source);
    if (file == null) {
      Log.get().error("credential '" + name() + "': its refresh token rotated but " + source.text()
          + " is not a file Warden can write; the new one is kept in memory only");
      return;
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".warden");
      try {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view != null && Files.exists(file)) {
          Set<PosixFilePermission> permissions = view.readAttributes().permissions();
          Files.setPosixFilePermissions(temp, permissions);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          channel.write(java.nio.ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.UTF_8)));
          channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fileContent = value;
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException | RuntimeException e) {
      Log.get().error("credential '" + name() + "': cannot write its rotated refresh token back to " + file + " ("
          + e.getClass().getSimpleName() + "); the new one is kept in memory only. If this JVM stops, the token still in the file"
          + " is accepted until " + java.time.Instant.ofEpochMilli(rotatedAtMillis + ROTATED_GRACE_MILLIS)
          + "; after that, consent must be renewed");
    }
  }

  private static Path fileOf(Template template) {
    if (template.isSingleReference() && template.references().get(0) instanceof SecretRef.File file) {
      return file.path();
    }
    return null;
  }

  private String describeRefreshSource() {
    if (shared != null) {
      return ((Credential.OAuth2Refresh) credential).refreshToken().text() + " (the " + shared.where()
          + " starts from it when it has not seen it before)";
    }
    return credential instanceof Credential.OAuth2Refresh r ? r.refreshToken().text() : "its configuration";
  }

  @Override
  public String toString() {
    return "OAuthAuthorization[" + name() + "]";
  }
}
