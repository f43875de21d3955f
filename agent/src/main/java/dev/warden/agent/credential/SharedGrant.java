package dev.warden.agent.credential;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.log.Log;
import dev.warden.policy.Credential;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An {@code oauth2-refresh} grant whose token state a fleet keeps in Redis ({@code store}): the
 * refresh token, the access token and when it is due. A JVM whose access token is due first takes
 * what the store holds; only when that is due too does it take the store's lock, read again, and
 * refresh, writing the rotated state back, over exactly the state it read, before the new access
 * token is used. So the JVMs take turns and none presents a refresh token another has rotated.
 *
 * <p>The state is sealed (AES-GCM, a key derived from the client secret every JVM of the fleet holds,
 * bound to its key name, lineage and generation): whoever reads the store without the client secret
 * gets no token. A lineage starts at each consent; the generation grows at every write, across
 * lineages too (it follows the clock). Each JVM keeps the newest state it has seen (a background
 * check reads the store every second) and puts it back when the store lost it (a Redis restarted
 * without persistence) or holds an older one; a JVM that finds the store empty and knows nothing
 * waits a moment for that before it seeds, and never presents a seed it has seen a state start from.
 * The refresh lock lasts a few seconds and its holder extends it from a thread of its own while it
 * works, checking that it still holds it just before it presents the refresh token.
 *
 * <p>The policy's {@code refresh-token} seeds the state: it is presented only while the store holds
 * none, or after the store's token was refused ({@code invalid_grant}) and the seed is one the store
 * has not started from before (an operator's new consent). A JVM still holding an old seed never
 * presents it. An operator starts over on purpose by setting the key to {@code reset}.
 */
final class SharedGrant {

  /**
   * How long the refresh lock lasts unless its holder extends it, which it does every
   * {@link #LOCK_EXTEND_MILLIS} while it refreshes: a JVM that dies holding it delays the fleet this
   * long at most.
   */
  static final long LOCK_TTL_MILLIS = 8_000;

  private static final long LOCK_EXTEND_MILLIS = 2_000;

  /** How long a JVM waits for another to finish refreshing before it answers that it cannot. */
  private static final long LOCK_WAIT_NANOS = 25_000_000_000L;

  /** How often a JVM checks that the store still holds the newest state it knows. */
  private static final long CHECK_MILLIS = 1_000;

  /** How long a JVM that knows no state waits on an empty store for another to put one back, before it seeds. */
  private static final long EMPTY_WAIT_NANOS = 4_000_000_000L;

  /** What an operator writes under the key to start over from the policy's {@code refresh-token}. */
  static final String RESET = "reset";

  private static final int SEEDS_KEPT = 16;
  private static final ObjectMapper JSON = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Extends the refresh locks this JVM holds: a thread of its own, so that nothing delays it. */
  private static final ScheduledExecutorService EXTENDER = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "warden-token-lock");
    thread.setDaemon(true);
    return thread;
  });

  /** Checks, for every shared grant of this JVM, that the store holds the newest state the JVM knows. */
  private static final ScheduledExecutorService CHECKER = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "warden-token-state");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * What the store keeps, sealed. Times are epoch milliseconds (the JVMs share the wall clock).
   *
   * @param refresh the refresh token to present next
   * @param rotatedAt when it replaced the one before (which the endpoint accepts for a while after)
   * @param access the current access token
   * @param seeds fingerprints of the policy seeds this state has started from
   * @param refused the fingerprint of a refresh token the endpoint refused, while it is the current one
   */
  record State(String refresh, long rotatedAt, String access, long expiresAt, long renewAt, List<String> seeds, String refused) {
    @Override
    public String toString() {
      return "State[expiresAt=" + expiresAt + "]";
    }
  }

  /** An access token, and when to renew it and when it ends (epoch milliseconds). */
  record Issued(String accessToken, long renewAt, long expiresAt) {
    @Override
    public String toString() {
      return "Issued[expiresAt=" + expiresAt + "]";
    }
  }

  /** A state as the store keeps it: its lineage and generation in the clear, the rest sealed. */
  private record Sealed(String key, String lineage, long generation, String text) {
    @Override
    public String toString() {
      return "Sealed[" + key + " " + lineage + "#" + generation + "]";
    }
  }

  /** A state read and opened. */
  private record Opened(Sealed sealed, State state) {}

  private final Credential.OAuth2Refresh credential;
  private final SecretResolver resolver;
  private final TokenEndpoint endpoint;
  private final TokenStateStore store;
  private final String owner = UUID.randomUUID() + "@" + ProcessHandle.current().pid();
  /** Fingerprints of refresh tokens the endpoint refused to this JVM: never presented again, even if the store missed it. */
  private final Set<String> refusedHere = ConcurrentHashMap.newKeySet();
  /** The newest state (highest generation) this JVM has opened or written. */
  private Sealed known;
  /** Fingerprints of the seeds every state this JVM opened had started from: a seed once used has rotated since. */
  private final Set<String> seenSeeds = ConcurrentHashMap.newKeySet();
  /** The key states are sealed with, for the background check to open what it reads. */
  private volatile byte[] lastSealKey;
  private boolean checking;

  SharedGrant(Credential.OAuth2Refresh credential, SecretResolver resolver, TokenEndpoint endpoint) {
    this.credential = credential;
    this.resolver = resolver;
    this.endpoint = endpoint;
    this.store = TokenStateStore.of(credential.store().orElseThrow(), resolver);
  }

  /** Where the state lives, safe to print. */
  String where() {
    return "store " + store;
  }

  /**
   * A usable access token: the store's if it is not due, else a refreshed one.
   *
   * @param invalidated an access token Jira refused, never to be taken again, or {@code null}
   * @param mayWait whether to wait while another JVM refreshes; if not, {@code null} answers that one does
   * @throws TokenEndpoint.Refused with {@code invalid_grant} when the store's refresh token was refused and no new seed is at hand
   * @throws IOException when the store or the token endpoint cannot be reached, or another JVM holds the lock too long
   */
  Issued obtain(String invalidated, boolean mayWait) throws IOException, SecretUnavailableException {
    String clientSecret = credential.clientSecret().resolve(resolver).reveal();
    String key = key();
    String lock = key + ":lock";
    byte[] sealKey = sealKey(clientSecret);
    lastSealKey = sealKey;
    long began = System.nanoTime();
    long emptySince = -1;
    while (true) {
      if (System.nanoTime() - began > LOCK_WAIT_NANOS) {
        throw new IOException("another JVM has held the refresh lock in " + where() + " for over "
            + LOCK_WAIT_NANOS / 1_000_000_000L + " s");
      }
      String text = store.get(key);
      if (restore(key, text)) {
        continue;
      }
      Opened current = open(sealKey, key, text);
      remember(current);
      State state = current == null ? null : current.state;
      Issued usable = usable(state, invalidated);
      if (usable != null) {
        Log.get().debug("credential '" + credential.name() + "': access token taken from " + where());
        return usable;
      }
      if (state != null && isRefused(state) && newSeed(state) == null) {
        throw refused();
      }
      boolean waitForRestore = false;
      if (text == null && knownFor(key) == null) {
        // Empty, and this JVM knows nothing: if Redis lost the state, a JVM that knows it puts it back within seconds.
        long now = System.nanoTime();
        emptySince = emptySince < 0 ? now : emptySince;
        waitForRestore = now - emptySince < EMPTY_WAIT_NANOS;
      }
      if (!waitForRestore && store.tryLock(lock, owner, LOCK_TTL_MILLIS)) {
        java.util.concurrent.ScheduledFuture<?> extending = EXTENDER.scheduleWithFixedDelay(
            () -> store.extend(lock, owner, LOCK_TTL_MILLIS), LOCK_EXTEND_MILLIS, LOCK_EXTEND_MILLIS, TimeUnit.MILLISECONDS);
        try {
          return refreshHoldingLock(key, lock, sealKey, clientSecret, invalidated);
        } finally {
          extending.cancel(false);
          store.unlock(lock, owner);
        }
      }
      if (!mayWait) {
        return null;
      }
      try {
        Thread.sleep(40 + ThreadLocalRandom.current().nextInt(40));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while another JVM refreshed the token");
      }
    }
  }

  /**
   * The key of this grant's state: the credential's name, and a fingerprint of its client and token
   * endpoint. Fleets that hold different consents of one client must use different names (or stores).
   */
  private String key() throws SecretUnavailableException {
    String clientId = credential.clientId().resolve(resolver).reveal();
    String tokenUrl = credential.tokenUrl().resolve(resolver).reveal();
    return "warden:oauth:" + credential.name() + ":" + fingerprint(clientId + "\n" + tokenUrl).substring(0, 12);
  }

  private Issued refreshHoldingLock(String key, String lock, byte[] sealKey, String clientSecret, String invalidated)
      throws IOException, SecretUnavailableException {
    String text = store.get(key);
    if (restore(key, text)) {
      text = store.get(key);
    }
    Opened current = open(sealKey, key, text);
    remember(current);
    State state = current == null ? null : current.state;
    Issued usable = usable(state, invalidated);
    if (usable != null) {
      return usable;
    }
    String seed = newSeed(state);
    String present;
    if (state == null && seed == null) {
      credential.refreshToken().resolve(resolver);
      throw new SecretUnavailableException("the " + where() + " holds no token state and " + credential.refreshToken().text()
          + " holds a refresh token this fleet has already used (it has rotated since): put one from a new consent there");
    } else if (state == null || (isRefused(state) && seed != null)) {
      present = seed;
    } else if (isRefused(state)) {
      throw refused();
    } else {
      present = state.refresh;
    }
    if (refusedHere.contains(fingerprint(present))) {
      throw refused();
    }
    boolean fromSeed = state == null || !present.equals(state.refresh);
    List<String> seeds = new ArrayList<>(state == null || state.seeds == null ? List.of() : state.seeds);
    if (fromSeed) {
      seeds.add(fingerprint(present));
      while (seeds.size() > SEEDS_KEPT) {
        seeds.remove(0);
      }
    }
    // A consent starts a lineage. Generations grow with every write, across lineages too (they follow the clock), so the
    // newest state is the one with the highest: a JVM that remembers an older one never writes it over it.
    String lineage = fromSeed || current == null ? newLineage() : current.sealed.lineage;
    long generation = Math.max(current == null ? 0 : current.sealed.generation + 1, System.currentTimeMillis());
    if (!store.holds(lock, owner)) {
      throw new IOException("this JVM lost the refresh lock in " + where() + " before it could refresh");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("grant_type", "refresh_token");
    fields.put("client_id", credential.clientId().resolve(resolver).reveal());
    fields.put("client_secret", clientSecret);
    fields.put("refresh_token", present);
    URI url = OAuthAuthorization.uri(credential.tokenUrl(), resolver);
    long asked = System.currentTimeMillis();
    TokenEndpoint.Tokens tokens;
    try {
      tokens = endpoint.request(url, fields);
    } catch (TokenEndpoint.Refused e) {
      if ("invalid_grant".equals(e.error)) {
        refusedHere.add(fingerprint(present));
        // The fleet stops here: every JVM reads that this token was refused and asks nothing until a new consent.
        State marked = new State(present, state == null ? 0 : state.rotatedAt, null, 0, 0, seeds, fingerprint(present));
        try {
          Sealed sealedMark = seal(sealKey, key, lineage, generation, marked);
          if (write(text, sealedMark)) {
            remember(new Opened(sealedMark, marked));
          }
        } catch (IOException notMarked) {
          e.addSuppressed(notMarked);
        }
      }
      throw e;
    }
    boolean rotated = tokens.refreshToken() != null && !tokens.refreshToken().equals(present);
    if (rotated && OAuthAuthorization.CRASH_BEFORE_WRITE_BACK) {
      // A fault injected by the tests: the JVM dies between the refresh and its write-back.
      Runtime.getRuntime().halt(137);
    }
    long life = Math.max(1, tokens.expiresInSeconds()) * 1000;
    long expiresAt = asked + life;
    long rotatedAt = rotated ? System.currentTimeMillis() : state == null ? 0 : state.rotatedAt;
    State next = new State(rotated ? tokens.refreshToken() : present, rotatedAt, tokens.accessToken(), expiresAt,
        expiresAt - Math.min(60_000, life / 5), seeds, null);
    Sealed sealed = seal(sealKey, key, lineage, generation, next);
    try {
      if (write(text, sealed)) {
        remember(new Opened(sealed, next));
      } else if (rotated) {
        // The store moved while this JVM refreshed (Redis lost its state, or the lock ran out): the rotated token is kept
        // here and put back over anything older.
        remember(new Opened(sealed, next));
        restore(key, store.get(key));
        Log.get().warn("credential '" + credential.name() + "': the token state in " + where()
            + " changed while this JVM refreshed; the newest state is kept there");
      }
    } catch (IOException e) {
      if (rotated) {
        // Kept here, and put into the store by the background check the moment the store is back.
        remember(new Opened(sealed, next));
        Log.get().error("credential '" + credential.name() + "': its refresh token rotated but " + e.getMessage()
            + "; the new one is kept in this JVM and written the moment the store is back. The one the store holds is accepted until "
            + java.time.Instant.ofEpochMilli(rotatedAt + OAuthAuthorization.ROTATED_GRACE_MILLIS)
            + "; after that, consent must be renewed");
      }
    }
    Log.get().debug("credential '" + credential.name() + "': access token renewed" + (rotated ? ", refresh token rotated," : "")
        + " in " + where());
    return new Issued(next.access, next.renewAt, next.expiresAt);
  }

  /** Writes {@code next} over {@code current} if the store still holds it. */
  private boolean write(String current, Sealed next) throws IOException {
    return store.compareAndSet(next.key, current, next.text);
  }

  /** Keeps a state this JVM opened or wrote when it is newer (a higher generation) than what it knew, and its seeds. */
  private void remember(Opened opened) {
    if (opened == null) {
      return;
    }
    Sealed state = opened.sealed;
    if (opened.state.seeds != null && seenSeeds.size() < 1024) {
      seenSeeds.addAll(opened.state.seeds);
    }
    boolean start;
    synchronized (this) {
      if (known == null || !known.key.equals(state.key) || state.generation > known.generation) {
        known = state;
      }
      start = !checking;
      checking = true;
    }
    if (start) {
      CHECKER.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private synchronized Sealed knownFor(String key) {
    return known != null && known.key.equals(key) ? known : null;
  }

  /**
   * Puts back the newest state this JVM knows when the store holds none, or an older generation. A
   * {@link #RESET} makes this JVM forget it.
   *
   * @return whether the store was written (read it again)
   */
  private boolean restore(String key, String inStore) throws IOException {
    Sealed mine = knownFor(key);
    if (mine == null) {
      return false;
    }
    if (RESET.equals(inStore)) {
      synchronized (this) {
        if (known == mine) {
          known = null;
        }
      }
      return false;
    }
    Sealed there = parse(key, inStore);
    boolean older = there != null && there.generation < mine.generation;
    if (inStore != null && !older) {
      return false;
    }
    boolean written = store.compareAndSet(key, inStore, mine.text);
    if (written) {
      Log.get().warn("credential '" + credential.name() + "': " + where() + (inStore == null ? " had lost" : " held an older")
          + " token state; it holds the newest this JVM knows again");
    }
    return written;
  }

  /** The background check: the store holds the newest state this JVM knows. */
  private void check() {
    Sealed mine;
    synchronized (this) {
      mine = known;
    }
    if (mine == null) {
      return;
    }
    try {
      String text = store.get(mine.key);
      byte[] sealKey = lastSealKey;
      if (!restore(mine.key, text) && sealKey != null && text != null && !RESET.equals(text)) {
        // Kept current even while this JVM makes no calls, so that what it would put back is the newest.
        Sealed there = parse(mine.key, text);
        if (there != null && there.generation > mine.generation) {
          remember(open(sealKey, mine.key, text));
        }
      }
    } catch (IOException | SecretUnavailableException e) {
      // The store is away: the next check tries again.
    } catch (RuntimeException e) {
      Log.get().error("credential '" + credential.name() + "': cannot check its token state (" + e.getClass().getName() + ")");
    }
  }

  private static Issued usable(State state, String invalidated) {
    if (state == null || state.access == null || state.access.equals(invalidated)
        || System.currentTimeMillis() >= state.renewAt) {
      return null;
    }
    return new Issued(state.access, state.renewAt, state.expiresAt);
  }

  private static boolean isRefused(State state) {
    return state.refused != null && state.refused.equals(fingerprint(state.refresh));
  }

  /** The policy's refresh token when the state has never started from it and it was never refused here, else {@code null}. */
  private String newSeed(State state) {
    String seed;
    try {
      seed = credential.refreshToken().resolve(resolver).reveal();
    } catch (SecretUnavailableException e) {
      return null;
    }
    String print = fingerprint(seed);
    if (refusedHere.contains(print) || seenSeeds.contains(print)) {
      return null;
    }
    if (state == null) {
      return seed;
    }
    boolean seen = (state.seeds != null && state.seeds.contains(print)) || print.equals(state.refused);
    return seen ? null : seed;
  }

  private TokenEndpoint.Refused refused() throws SecretUnavailableException {
    URI url = OAuthAuthorization.uri(credential.tokenUrl(), resolver);
    return new TokenEndpoint.Refused(url, 403, "invalid_grant");
  }

  /** {@code v1.<lineage>.<generation>.<sealed>}, or {@code null} when the text is none (or not one). */
  private static Sealed parse(String key, String text) {
    if (text == null || !text.startsWith("v1.")) {
      return null;
    }
    String[] parts = text.split("\\.", 4);
    if (parts.length != 4 || parts[1].isEmpty()) {
      return null;
    }
    try {
      return new Sealed(key, parts[1], Long.parseLong(parts[2]), text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Opens the state under {@code key}; {@code null} when there is none (or a {@link #RESET}). */
  private Opened open(byte[] sealKey, String key, String text) throws SecretUnavailableException {
    if (text == null || RESET.equals(text)) {
      return null;
    }
    Sealed sealed = parse(key, text);
    try {
      if (sealed == null) {
        throw new GeneralSecurityException("not a Warden token state");
      }
      byte[] bytes = Base64.getDecoder().decode(text.substring(text.lastIndexOf('.') + 1));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(128, bytes, 0, 12));
      cipher.updateAAD(associated(key, sealed.lineage, sealed.generation));
      byte[] plain = cipher.doFinal(bytes, 12, bytes.length - 12);
      return new Opened(sealed, JSON.readValue(plain, State.class));
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      throw new SecretUnavailableException("the token state in " + where() + " under " + key
          + " cannot be read with this client secret (written with another, or not by Warden); set that key to '" + RESET
          + "' and put a refresh token from a new consent in " + credential.refreshToken().text());
    }
  }

  private static Sealed seal(byte[] sealKey, String key, String lineage, long generation, State state) throws IOException {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(128, iv));
      cipher.updateAAD(associated(key, lineage, generation));
      byte[] sealed = cipher.doFinal(JSON.writeValueAsBytes(state));
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return new Sealed(key, lineage, generation, "v1." + lineage + "." + generation + "." + Base64.getEncoder().encodeToString(out));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot seal the token state (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** What a sealed state is bound to: its key, lineage and generation, so that none can be changed unseen. */
  private static byte[] associated(String key, String lineage, long generation) {
    return (key + "#" + lineage + "#" + generation).getBytes(StandardCharsets.UTF_8);
  }

  private static String newLineage() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static byte[] sealKey(String clientSecret) {
    return digest("warden oauth token state v1\n" + clientSecret);
  }

  static String fingerprint(String value) {
    return HexFormat.of().formatHex(digest(value));
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "SharedGrant[" + credential.name() + " in " + store + "]";
  }
}
