package dev.warden.agent.credential.oauth;

import dev.warden.agent.log.Log;
import dev.warden.policy.Credential;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code oauth2-refresh} with {@code store}: a fleet keeps one token state ({@link SealedState}) in
 * Redis. A JVM whose access token is due first takes what the store holds; only when that is due
 * too does it take the {@link RefreshLock}, read again, and refresh, writing the rotated state
 * back, over exactly the state it read, before the new access token is used. So the JVMs take turns
 * and none presents a refresh token another has rotated.
 *
 * <p>Each JVM keeps the newest state it has seen (a background check reads the store every second,
 * until the credential leaves the policy) and puts it back when the store lost it (a Redis
 * restarted without persistence) or holds an older one; a JVM that finds the store empty and knows
 * nothing waits a moment for that before it seeds, and never presents a seed it has seen a state
 * start from.
 *
 * <p>The policy's {@code refresh-token} seeds the state: it is presented only while the store holds
 * none, or after the store's token was refused ({@code invalid_grant}) and the seed is one the
 * store has not started from before (an operator's new consent). An operator starts over on purpose
 * by setting the key to {@link #RESET}.
 */
final class FleetRefreshGrant implements Grant {

  /** How long a JVM waits for another to finish refreshing before it answers that it cannot. */
  private static final long LOCK_WAIT_NANOS = 25_000_000_000L;

  /**
   * How long a JVM that knows no state waits on an empty store for another to put one back, before
   * it seeds.
   */
  private static final long EMPTY_WAIT_NANOS = 4_000_000_000L;

  /** A store is asked again sooner than a token endpoint: reading it costs Atlassian nothing. */
  private static final long MAX_STORE_BACKOFF_NANOS = 5_000_000_000L;

  /**
   * What an operator writes under the key to start over from the policy's {@code refresh-token}.
   */
  static final String RESET = "reset";

  private static final int SEEDS_KEPT = 16;

  private final Credential.OAuth2Refresh credential;
  private final SecretResolver resolver;
  private final TokenEndpoint endpoint;
  private final TokenStateStore store;
  private final TokenClock clock;
  private final ScheduledExecutorService extender;
  private final String owner = UUID.randomUUID() + "@" + ProcessHandle.current().pid();

  /**
   * Fingerprints of refresh tokens the endpoint refused to this JVM: never presented again, even if
   * the store missed it.
   */
  private final Set<String> refusedHere = ConcurrentHashMap.newKeySet();

  /** The newest state this JVM knows, put back when the store lost it. */
  private final KnownState memory;

  /**
   * @param extender where refresh locks are extended (a thread nothing else delays)
   * @param checker where the background check runs
   */
  FleetRefreshGrant(
      Credential.OAuth2Refresh credential,
      SecretResolver resolver,
      TokenEndpoint endpoint,
      TokenStateStore store,
      TokenClock clock,
      ScheduledExecutorService extender,
      ScheduledExecutorService checker) {
    this.credential = credential;
    this.resolver = resolver;
    this.endpoint = endpoint;
    this.store = store;
    this.clock = clock;
    this.extender = extender;
    this.memory = new KnownState(credential.name(), where(), store, checker, this::open);
  }

  /** Where the state lives, safe to print. */
  String where() {
    return "store " + store;
  }

  @Override
  public AccessToken obtain(AccessToken refusedByJira, boolean mayWait)
      throws IOException, SecretUnavailableException {
    long askedNanos = clock.nanoTime();
    long askedMillis = clock.epochMillis();
    String invalidated = refusedByJira == null ? null : refusedByJira.token();
    SealedState.State issued = issue(invalidated, mayWait);
    if (issued == null) {
      return null;
    }
    return AccessToken.bearer(
        issued.access(),
        askedNanos + (issued.renewAt() - askedMillis) * 1_000_000L,
        askedNanos + (issued.expiresAt() - askedMillis) * 1_000_000L);
  }

  @Override
  public boolean refreshes() {
    return true;
  }

  @Override
  public String onRefused() {
    return credential.refreshToken().text()
        + " (the "
        + where()
        + " starts from it when it has not seen it before)";
  }

  @Override
  public boolean retriesAfterRefusal() {
    // The store says whether a new consent arrived: asked again in a second, the endpoint is not.
    return true;
  }

  @Override
  public long maxBackoffNanos() {
    return MAX_STORE_BACKOFF_NANOS;
  }

  /**
   * A state with a usable access token: the store's if it is not due, else a refreshed one; {@code
   * null} when another JVM refreshes and {@code mayWait} is false.
   */
  private SealedState.State issue(String invalidated, boolean mayWait)
      throws IOException, SecretUnavailableException {
    String clientSecret = credential.clientSecret().resolve(resolver).reveal();
    String key = key();
    RefreshLock lock = new RefreshLock(store, key + ":lock", owner, extender);
    byte[] sealKey = SealedState.sealKey(clientSecret);
    memory.sealKey(sealKey);
    long began = clock.nanoTime();
    long emptySince = -1;
    while (true) {
      if (clock.nanoTime() - began > LOCK_WAIT_NANOS) {
        throw new IOException(
            "another JVM has held the refresh lock in "
                + where()
                + " for over "
                + LOCK_WAIT_NANOS / 1_000_000_000L
                + " s");
      }
      String text = store.get(key);
      if (memory.restore(key, text)) {
        continue;
      }
      SealedState.Opened current = open(sealKey, key, text);
      memory.remember(current);
      SealedState.State state = current == null ? null : current.state();
      if (usable(state, invalidated)) {
        Log.get()
            .debug("credential '" + credential.name() + "': access token taken from " + where());
        return state;
      }
      if (state != null && state.isRefused() && newSeed(state) == null) {
        throw refusal();
      }
      boolean waitForRestore = false;
      if (text == null && memory.knownFor(key) == null) {
        // Empty, and this JVM knows nothing: if Redis lost the state, a JVM that knows it puts it
        // back within seconds.
        long now = clock.nanoTime();
        emptySince = emptySince < 0 ? now : emptySince;
        waitForRestore = now - emptySince < EMPTY_WAIT_NANOS;
      }
      if (!waitForRestore) {
        RefreshLock.Held held = lock.tryLock();
        if (held != null) {
          try (held) {
            return refreshHoldingLock(key, held, sealKey, invalidated);
          }
        }
      }
      if (!mayWait) {
        return null;
      }
      try {
        clock.sleep(40 + ThreadLocalRandom.current().nextInt(40));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while another JVM refreshed the token");
      }
    }
  }

  /**
   * The key of this grant's state: the credential's name, and a fingerprint of its client and token
   * endpoint. Fleets that hold different consents of one client must use different names (or
   * stores).
   */
  private String key() throws SecretUnavailableException {
    String clientId = credential.clientId().resolve(resolver).reveal();
    String tokenUrl = credential.tokenUrl().resolve(resolver).reveal();
    return "warden:oauth:"
        + credential.name()
        + ":"
        + SealedState.fingerprint(clientId + "\n" + tokenUrl).substring(0, 12);
  }

  private SealedState.State refreshHoldingLock(
      String key, RefreshLock.Held lock, byte[] sealKey, String invalidated)
      throws IOException, SecretUnavailableException {
    String text = store.get(key);
    if (memory.restore(key, text)) {
      text = store.get(key);
    }
    SealedState.Opened current = open(sealKey, key, text);
    memory.remember(current);
    SealedState.State state = current == null ? null : current.state();
    if (usable(state, invalidated)) {
      return state;
    }
    String seed = newSeed(state);
    String present;
    if (state == null && seed == null) {
      credential.refreshToken().resolve(resolver);
      throw new SecretUnavailableException(
          "the "
              + where()
              + " holds no token state and "
              + credential.refreshToken().text()
              + " holds a refresh token this fleet has already used (it has rotated since): put one from a new consent there");
    } else if (state == null || (state.isRefused() && seed != null)) {
      present = seed;
    } else if (state.isRefused()) {
      throw refusal();
    } else {
      present = state.refresh();
    }
    if (refusedHere.contains(SealedState.fingerprint(present))) {
      throw refusal();
    }
    boolean fromSeed = state == null || !present.equals(state.refresh());
    List<String> seeds =
        new ArrayList<>(state == null || state.seeds() == null ? List.of() : state.seeds());
    if (fromSeed) {
      seeds.add(SealedState.fingerprint(present));
      while (seeds.size() > SEEDS_KEPT) {
        seeds.remove(0);
      }
    }
    // A consent starts a lineage. Generations grow with every write, across lineages too (they
    // follow the clock), so the
    // newest state is the one with the highest: a JVM that remembers an older one never writes it
    // over it.
    String lineage =
        fromSeed || current == null ? SealedState.newLineage() : current.sealed().lineage();
    long generation =
        Math.max(current == null ? 0 : current.sealed().generation() + 1, clock.epochMillis());
    if (!lock.stillHeld()) {
      throw new IOException(
          "this JVM lost the refresh lock in " + where() + " before it could refresh");
    }
    Map<String, String> fields =
        TokenEndpoint.clientFields(
            "refresh_token", credential.clientId(), credential.clientSecret(), resolver);
    fields.put("refresh_token", present);
    URI url = TokenEndpoint.url(credential.tokenUrl(), resolver);
    long asked = clock.epochMillis();
    TokenEndpoint.Tokens tokens;
    try {
      tokens = endpoint.request(url, fields);
    } catch (TokenEndpoint.Refused e) {
      if ("invalid_grant".equals(e.error)) {
        markRefused(key, sealKey, text, state, present, seeds, lineage, generation, e);
      }
      throw e;
    }
    boolean rotated = tokens.refreshToken() != null && !tokens.refreshToken().equals(present);
    long life = Math.max(1, tokens.expiresInSeconds()) * 1000;
    long expiresAt = asked + life;
    long rotatedAt = rotated ? clock.epochMillis() : state == null ? 0 : state.rotatedAt();
    SealedState.State next =
        new SealedState.State(
            rotated ? tokens.refreshToken() : present,
            rotatedAt,
            tokens.accessToken(),
            expiresAt,
            expiresAt - Math.min(60_000, life / 5),
            seeds,
            null);
    SealedState sealed = SealedState.seal(sealKey, key, lineage, generation, next);
    writeBack(key, text, new SealedState.Opened(sealed, next), rotated, rotatedAt);
    Log.get()
        .debug(
            "credential '"
                + credential.name()
                + "': access token renewed"
                + (rotated ? ", refresh token rotated," : "")
                + " in "
                + where());
    return next;
  }

  /**
   * The fleet stops here: every JVM reads that this token was refused and asks nothing until a new
   * consent.
   */
  private void markRefused(
      String key,
      byte[] sealKey,
      String text,
      SealedState.State state,
      String present,
      List<String> seeds,
      String lineage,
      long generation,
      TokenEndpoint.Refused refusal) {
    refusedHere.add(SealedState.fingerprint(present));
    SealedState.State marked =
        new SealedState.State(
            present,
            state == null ? 0 : state.rotatedAt(),
            null,
            0,
            0,
            seeds,
            SealedState.fingerprint(present));
    try {
      SealedState sealedMark = SealedState.seal(sealKey, key, lineage, generation, marked);
      if (store.compareAndSet(key, text, sealedMark.text())) {
        memory.remember(new SealedState.Opened(sealedMark, marked));
      }
    } catch (IOException notMarked) {
      refusal.addSuppressed(notMarked);
    }
  }

  /** Writes a refreshed state over the one it was refreshed from; a rotated token is never lost. */
  private void writeBack(
      String key, String read, SealedState.Opened next, boolean rotated, long rotatedAt) {
    try {
      if (store.compareAndSet(key, read, next.sealed().text())) {
        memory.remember(next);
      } else if (rotated) {
        // The store moved while this JVM refreshed (Redis lost its state, or the lock ran out): the
        // rotated token is kept
        // here and put back over anything older.
        memory.remember(next);
        memory.restore(key, store.get(key));
        Log.get()
            .warn(
                "credential '"
                    + credential.name()
                    + "': the token state in "
                    + where()
                    + " changed while this JVM refreshed; the newest state is kept there");
      }
    } catch (IOException e) {
      if (rotated) {
        // Kept here, and put into the store by the background check the moment the store is back.
        memory.remember(next);
        Log.get()
            .error(
                "credential '"
                    + credential.name()
                    + "': its refresh token rotated but "
                    + e.getMessage()
                    + "; the new one is kept in this JVM and written the moment the store is back. The one the store holds is accepted until "
                    + Instant.ofEpochMilli(rotatedAt + RefreshTokenFile.ROTATED_GRACE_MILLIS)
                    + "; after that, consent must be renewed");
      }
    }
  }

  private boolean usable(SealedState.State state, String invalidated) {
    return state != null
        && state.access() != null
        && !state.access().equals(invalidated)
        && clock.epochMillis() < state.renewAt();
  }

  /**
   * The policy's refresh token when the state has never started from it and it was never refused
   * here, else {@code null}.
   */
  private String newSeed(SealedState.State state) {
    String seed;
    try {
      seed = credential.refreshToken().resolve(resolver).reveal();
    } catch (SecretUnavailableException e) {
      return null;
    }
    String print = SealedState.fingerprint(seed);
    if (refusedHere.contains(print) || memory.seenSeed(print)) {
      return null;
    }
    if (state == null) {
      return seed;
    }
    boolean seen =
        (state.seeds() != null && state.seeds().contains(print)) || print.equals(state.refused());
    return seen ? null : seed;
  }

  private TokenEndpoint.Refused refusal() throws SecretUnavailableException {
    return new TokenEndpoint.Refused(
        TokenEndpoint.url(credential.tokenUrl(), resolver), 403, "invalid_grant");
  }

  /** Opens the state under {@code key}; {@code null} when there is none (or a {@link #RESET}). */
  private SealedState.Opened open(byte[] sealKey, String key, String text)
      throws SecretUnavailableException {
    if (text == null || RESET.equals(text)) {
      return null;
    }
    try {
      return SealedState.open(sealKey, key, text);
    } catch (GeneralSecurityException e) {
      throw new SecretUnavailableException(
          "the token state in "
              + where()
              + " under "
              + key
              + " cannot be read with this client secret (written with another, or not by Warden); set that key to '"
              + RESET
              + "' and put a refresh token from a new consent in "
              + credential.refreshToken().text());
    }
  }

  @Override
  public void close() {
    memory.close();
  }

  @Override
  public String toString() {
    return "FleetRefreshGrant[" + credential.name() + " in " + store + "]";
  }
}
