package dev.warden.agent.credential.oauth;

import dev.warden.agent.credential.Authorization;
import dev.warden.agent.credential.RefreshCounts;
import dev.warden.agent.log.Log;
import dev.warden.policy.secret.SecretUnavailableException;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code oauth2-refresh} and {@code oauth2-client-credentials} (CONTRACT section 3): the access
 * token cache. A token is fetched at first use and renewed before it expires, one renewal at a time
 * however many threads wait; a thread whose token still serves never waits for a renewal. When the
 * {@link Grant} fails, the cached token serves until it expires and the grant is asked again after
 * a backoff; a refused refresh token ({@code invalid_grant}) stops all asking, with one log line,
 * until consent is renewed. Time is the injected {@link TokenClock}'s.
 *
 * <p>Its state outlives policy reloads that keep the credential (see {@code CredentialStore}).
 */
public final class OAuthCredential implements Authorization {

  private static final String REFUSED =
      "the token endpoint refused its refresh token (invalid_grant): ";

  /** How soon a JVM asks again while another JVM renews the token and its own still serves. */
  private static final long BUSY_RETRY_NANOS = 100_000_000L;

  private static final long FIRST_BACKOFF_NANOS = 1_000_000_000L;

  private final String name;
  private final Grant grant;
  private final TokenClock clock;
  private final ReentrantLock renewing = new ReentrantLock();
  private volatile AccessToken token;

  /** The header value Jira last answered 401 to: never taken again. */
  private volatile String invalidated;

  private String failure;
  private boolean refused;
  private long retryAtNanos;
  private long backoffNanos = FIRST_BACKOFF_NANOS;

  private final RefreshCounts refreshes;

  OAuthCredential(String name, Grant grant, TokenClock clock) {
    this(name, grant, clock, new RefreshCounts());
  }

  OAuthCredential(String name, Grant grant, TokenClock clock, RefreshCounts refreshes) {
    this.name = name;
    this.grant = grant;
    this.clock = clock;
    this.refreshes = refreshes;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean ready() {
    AccessToken current = token;
    return current != null && clock.nanoTime() < current.renewAtNanos();
  }

  @Override
  public boolean refreshable() {
    return true;
  }

  @Override
  public void invalidate(String headerValue) {
    renewing.lock();
    try {
      AccessToken current = token;
      if (current != null && current.is(headerValue)) {
        // Jira said 401 to it: renew now, whatever its expiry says.
        token = current.dueAt(clock.nanoTime());
        invalidated = headerValue;
      }
    } finally {
      renewing.unlock();
    }
  }

  @Override
  public String headerValue() throws SecretUnavailableException {
    AccessToken current = token;
    long now = clock.nanoTime();
    if (current != null && now < current.renewAtNanos()) {
      return current.headerValue();
    }
    if (servable(current, now)) {
      if (!renewing.tryLock()) {
        // Due, but another thread renews it and it still serves: nobody waits for the renewal.
        return current.headerValue();
      }
    } else {
      renewing.lock();
    }
    try {
      return renewHoldingLock();
    } finally {
      renewing.unlock();
    }
  }

  private String renewHoldingLock() throws SecretUnavailableException {
    // One renewal at a time: whoever waited here finds the token the first one fetched.
    AccessToken current = token;
    long now = clock.nanoTime();
    if (current != null && now < current.renewAtNanos()) {
      return current.headerValue();
    }
    if (stopping || now < retryAtNanos || (refused && grant.refusalStands())) {
      return stale(current, now);
    }
    try {
      AccessToken refusedByJira = current != null && current.is(invalidated) ? current : null;
      AccessToken fresh = grant.obtain(refusedByJira, !servable(current, now));
      if (fresh == null) {
        // Another JVM of the fleet is renewing it, and the current one still serves: asked again
        // shortly.
        retryAtNanos = now + BUSY_RETRY_NANOS;
        return stale(current, clock.nanoTime());
      }
      renewed(fresh);
      refreshes.record(name, null);
      return fresh.headerValue();
    } catch (TokenEndpoint.Refused e) {
      refreshes.record(name, RefreshCounts.errorCode(e.error, e.status));
      if ("invalid_grant".equals(e.error) && grant.refreshes()) {
        return refusedGrant(current, now);
      }
      failed(e.getMessage(), now);
    } catch (IOException e) {
      refreshes.record(name, "unreachable");
      failed(e.getMessage(), now);
    } catch (SecretUnavailableException e) {
      refreshes.record(name, "secret_unavailable");
      failed(e.getMessage(), now);
    } catch (RuntimeException e) {
      refreshes.record(name, "internal");
      // A defect or an unexpected answer (a store's client, a state that does not parse): backed
      // off like any failure.
      failed("an internal error (" + e.getClass().getName() + ")", now);
    }
    return stale(token, clock.nanoTime());
  }

  private void renewed(AccessToken fresh) {
    token = fresh;
    if (failure != null) {
      Log.get().info("credential '" + name + "': its access token is renewed again");
    }
    failure = null;
    refused = false;
    backoffNanos = FIRST_BACKOFF_NANOS;
    retryAtNanos = 0;
  }

  /**
   * The refresh token was refused: said once (a repeated line at most once a minute); nothing asks
   * the endpoint again until its source holds another one.
   */
  private String refusedGrant(AccessToken current, long now) throws SecretUnavailableException {
    refused = true;
    failure =
        REFUSED + "consent must be renewed, and the new refresh token put in " + grant.onRefused();
    if (grant.retriesAfterRefusal()) {
      retryAtNanos = now + FIRST_BACKOFF_NANOS;
    }
    if (servable(current, now)) {
      // The access token still serves until it expires; then the caller's 503 says why.
      Log.get().error("credential '" + name + "': " + failure);
      return current.headerValue();
    }
    throw new SecretUnavailableException(failure);
  }

  /** The cached token while it lasts (and Jira has not refused it); past it, why there is none. */
  private String stale(AccessToken current, long now) throws SecretUnavailableException {
    if (servable(current, now)) {
      return current.headerValue();
    }
    throw new SecretUnavailableException(failure != null ? failure : "no access token yet");
  }

  private boolean servable(AccessToken current, long now) {
    return current != null && now < current.lastUseNanos() && !current.is(invalidated);
  }

  private void failed(String message, long now) {
    failure = message;
    retryAtNanos = now + backoffNanos;
    backoffNanos = Math.min(grant.maxBackoffNanos(), backoffNanos * 2);
    Log.get()
        .warn(
            "credential '"
                + name
                + "': cannot renew its access token: "
                + message
                + (servable(token, now) ? "; the current one serves until it expires" : ""));
  }

  /** Set at exit: no renewal starts any more (one cut off by the JVM's halt could lose a token). */
  private volatile boolean stopping;

  @Override
  public void awaitRenewal(long deadlineNanos) {
    stopping = true;
    try {
      if (renewing.tryLock(
          Math.max(0, deadlineNanos - System.nanoTime()),
          java.util.concurrent.TimeUnit.NANOSECONDS)) {
        renewing.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    grant.close();
  }

  @Override
  public String toString() {
    return "OAuthCredential[" + name + "]";
  }
}
