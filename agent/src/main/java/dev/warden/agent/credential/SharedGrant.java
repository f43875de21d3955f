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
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An {@code oauth2-refresh} grant whose token state a fleet keeps in Redis ({@code store}): the
 * refresh token, the access token and when it expires, the refresh token before it and when it
 * rotated. A JVM whose access token is due first takes what the store holds; only when that is due
 * too does it take the store's lock, read again, and refresh, writing the rotated state back, over
 * exactly the state it read, before the new access token is used. So the JVMs take turns and none
 * presents a refresh token another has rotated.
 *
 * <p>The state is sealed (AES-GCM, a key derived from the client secret every JVM of the fleet holds,
 * bound to its key name and generation): whoever reads the store without the client secret gets no
 * token. Each JVM remembers the newest state it has seen, and puts it back when the store lost it
 * (a Redis restarted without persistence) or holds an older one.
 *
 * <p>The policy's {@code refresh-token} seeds the state: it is presented only while the store holds
 * none and this JVM knows none, or after the store's token was refused ({@code invalid_grant}) and the seed is one the store
 * has not started from before (an operator's new consent). A JVM still holding an old seed never
 * presents it.
 */
final class SharedGrant {

  /** How long the refresh lock lasts: longer than a token request can take (connect and answer timeouts). */
  static final long LOCK_TTL_MILLIS = 20_000;

  /** How long a JVM waits for another to finish refreshing before it answers that it cannot. */
  private static final long LOCK_WAIT_MILLIS = 25_000;

  private static final int SEEDS_KEPT = 16;
  private static final ObjectMapper JSON = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What the store keeps, sealed. Times are epoch milliseconds (the JVMs share the wall clock).
   *
   * @param refresh the refresh token to present next
   * @param previous the one it replaced, still accepted for a while after {@code rotatedAt}
   * @param access the current access token
   * @param seeds fingerprints of the policy seeds this state has started from
   * @param refused the fingerprint of a refresh token the endpoint refused, while it is the current one
   */
  record State(String refresh, String previous, long rotatedAt, String access, long expiresAt, long renewAt,
      List<String> seeds, String refused) {
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

  /** A state as the store keeps it: sealed, with its generation (one more at every write) in the clear. */
  private record Sealed(String key, long generation, String text) {
    @Override
    public String toString() {
      return "Sealed[" + key + " #" + generation + "]";
    }
  }

  /** Writes a state this JVM knows to be newer than the store's, while the store is away, so that it lands the second it is back. */
  private static final java.util.concurrent.ScheduledExecutorService WRITER =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "warden-token-state");
        thread.setDaemon(true);
        return thread;
      });

  private final Credential.OAuth2Refresh credential;
  private final SecretResolver resolver;
  private final TokenEndpoint endpoint;
  private final TokenStateStore store;
  private final String owner = UUID.randomUUID() + "@" + ProcessHandle.current().pid();
  /**
   * The newest state this JVM has read or written. A store that lost its state (a Redis restarted
   * without persistence) or holds an older one gets it back, rather than anyone presenting the seed
   * or a rotated token.
   */
  private Sealed known;
  private boolean writerScheduled;

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
   * @throws TokenEndpoint.Refused with {@code invalid_grant} when the store's refresh token was refused and no new seed is at hand
   * @throws IOException when the store or the token endpoint cannot be reached, or another JVM holds the lock too long
   */
  Issued obtain(String invalidated) throws IOException, SecretUnavailableException {
    String clientSecret = credential.clientSecret().resolve(resolver).reveal();
    String clientId = credential.clientId().resolve(resolver).reveal();
    String key = "warden:oauth:" + credential.name() + ":" + fingerprint(clientId).substring(0, 12);
    String lock = key + ":lock";
    byte[] sealKey = sealKey(clientSecret);
    long deadline = System.currentTimeMillis() + LOCK_WAIT_MILLIS;
    while (true) {
      Sealed raw = read(key);
      if (restore(raw)) {
        continue;
      }
      State state = open(sealKey, raw);
      Issued usable = usable(state, invalidated);
      if (usable != null) {
        Log.get().debug("credential '" + credential.name() + "': access token taken from " + where());
        return usable;
      }
      if (state != null && isRefused(state) && newSeed(state) == null) {
        throw refused();
      }
      if (store.tryLock(lock, owner, LOCK_TTL_MILLIS)) {
        try {
          return refreshHoldingLock(key, sealKey, clientId, clientSecret, invalidated);
        } finally {
          store.unlock(lock, owner);
        }
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException("another JVM has held the refresh lock in " + where() + " for over "
            + LOCK_WAIT_MILLIS / 1000 + " s");
      }
      try {
        Thread.sleep(40 + ThreadLocalRandom.current().nextInt(40));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while another JVM refreshed the token");
      }
    }
  }

  private Issued refreshHoldingLock(String key, byte[] sealKey, String clientId, String clientSecret, String invalidated)
      throws IOException, SecretUnavailableException {
    Sealed raw = read(key);
    if (restore(raw)) {
      raw = read(key);
    }
    State state = open(sealKey, raw);
    Issued usable = usable(state, invalidated);
    if (usable != null) {
      return usable;
    }
    String seed = newSeed(state);
    String present;
    if (state == null || (isRefused(state) && seed != null)) {
      present = seed != null ? seed : credential.refreshToken().resolve(resolver).reveal();
    } else if (isRefused(state)) {
      throw refused();
    } else {
      present = state.refresh;
    }
    boolean fromSeed = state == null || !present.equals(state.refresh);
    List<String> seeds = new ArrayList<>(state == null || state.seeds == null ? List.of() : state.seeds);
    if (fromSeed) {
      seeds.add(fingerprint(present));
      while (seeds.size() > SEEDS_KEPT) {
        seeds.remove(0);
      }
    }
    long generation = (raw == null ? 0 : raw.generation) + 1;
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("grant_type", "refresh_token");
    fields.put("client_id", clientId);
    fields.put("client_secret", clientSecret);
    fields.put("refresh_token", present);
    URI url = OAuthAuthorization.uri(credential.tokenUrl(), resolver);
    long asked = System.currentTimeMillis();
    TokenEndpoint.Tokens tokens;
    try {
      tokens = endpoint.request(url, fields);
    } catch (TokenEndpoint.Refused e) {
      if ("invalid_grant".equals(e.error)) {
        // The fleet stops here: every JVM reads that this token was refused and asks nothing until a new consent.
        State marked = new State(present, state == null ? null : state.previous, state == null ? 0 : state.rotatedAt,
            null, 0, 0, seeds, fingerprint(present));
        write(raw, seal(sealKey, key, generation, marked));
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
    State next = new State(rotated ? tokens.refreshToken() : present,
        rotated ? present : state == null ? null : state.previous,
        rotated ? System.currentTimeMillis() : state == null ? 0 : state.rotatedAt,
        tokens.accessToken(), expiresAt, expiresAt - Math.min(60_000, life / 5), seeds, null);
    Sealed sealed = seal(sealKey, key, generation, next);
    try {
      if (!write(raw, sealed)) {
        // Only when this JVM's lock ran out mid-refresh and another refreshed meanwhile: the store's state stands.
        Log.get().warn("credential '" + credential.name() + "': the token state in " + where()
            + " changed while this JVM refreshed (its lock ran out); the state another JVM wrote is kept");
      }
    } catch (IOException e) {
      if (rotated) {
        remember(sealed);
        writeWhenBack();
        Log.get().error("credential '" + credential.name() + "': its refresh token rotated but " + e.getMessage()
            + "; the new one is kept in this JVM and written the second the store is back. The one the store holds is accepted until "
            + java.time.Instant.ofEpochMilli(next.rotatedAt + OAuthAuthorization.ROTATED_GRACE_MILLIS)
            + "; after that, consent must be renewed");
      }
    }
    Log.get().debug("credential '" + credential.name() + "': access token renewed" + (rotated ? ", refresh token rotated," : "")
        + " in " + where());
    return new Issued(next.access, next.renewAt, next.expiresAt);
  }

  /** The store's state, remembered when it is the newest this JVM has seen. */
  private Sealed read(String key) throws IOException {
    String text = store.get(key);
    if (text == null) {
      return null;
    }
    long generation = -1;
    int dot = text.indexOf('.', 3);
    if (text.startsWith("v1.") && dot > 3) {
      try {
        generation = Long.parseLong(text.substring(3, dot));
      } catch (NumberFormatException e) {
        generation = -1;
      }
    }
    Sealed sealed = new Sealed(key, generation, text);
    if (generation >= 0) {
      remember(sealed);
    }
    return sealed;
  }

  /** Writes {@code next} over {@code current} if the store still holds it. */
  private boolean write(Sealed current, Sealed next) throws IOException {
    boolean written = store.compareAndSet(next.key, current == null ? null : current.text, next.text);
    if (written) {
      remember(next);
    }
    return written;
  }

  private synchronized void remember(Sealed state) {
    if (known == null || !known.key.equals(state.key) || state.generation > known.generation) {
      known = state;
    }
  }

  /**
   * Puts back the newest state this JVM knows when the store has none or an older one.
   *
   * @return whether the store changed (read it again)
   */
  private boolean restore(Sealed inStore) throws IOException {
    Sealed mine;
    synchronized (this) {
      mine = known;
    }
    if (mine == null || (inStore != null && (!inStore.key.equals(mine.key) || inStore.generation >= mine.generation))) {
      return false;
    }
    if (store.compareAndSet(mine.key, inStore == null ? null : inStore.text, mine.text)) {
      Log.get().warn("credential '" + credential.name() + "': " + where() + (inStore == null ? " had lost" : " held an older")
          + " token state; it has the newest this JVM knows again");
    }
    return true;
  }

  /** Called when the store went away holding an older state than this JVM knows: writes it once the store is back. */
  private synchronized void writeWhenBack() {
    if (writerScheduled) {
      return;
    }
    writerScheduled = true;
    WRITER.schedule(this::retryWrite, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  private void retryWrite() {
    synchronized (this) {
      writerScheduled = false;
    }
    try {
      Sealed mine;
      synchronized (this) {
        mine = known;
      }
      if (mine != null) {
        restore(read(mine.key));
      }
    } catch (IOException e) {
      writeWhenBack();
    } catch (RuntimeException e) {
      Log.get().error("credential '" + credential.name() + "': cannot write its token state (" + e.getClass().getName() + ")");
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

  /** The policy's refresh token when the state has never started from it, else {@code null}. */
  private String newSeed(State state) {
    String seed;
    try {
      seed = credential.refreshToken().resolve(resolver).reveal();
    } catch (SecretUnavailableException e) {
      return null;
    }
    if (state == null) {
      return seed;
    }
    String print = fingerprint(seed);
    boolean seen = (state.seeds != null && state.seeds.contains(print)) || print.equals(state.refused);
    return seen ? null : seed;
  }

  private TokenEndpoint.Refused refused() throws SecretUnavailableException {
    URI url = OAuthAuthorization.uri(credential.tokenUrl(), resolver);
    return new TokenEndpoint.Refused(url, 403, "invalid_grant");
  }

  /** Reads a sealed state; {@code null} when there is none. */
  private State open(byte[] sealKey, Sealed sealed) throws SecretUnavailableException {
    if (sealed == null) {
      return null;
    }
    try {
      if (sealed.generation < 0) {
        throw new GeneralSecurityException("not a Warden token state");
      }
      String text = sealed.text;
      byte[] bytes = Base64.getDecoder().decode(text.substring(text.indexOf('.', 3) + 1));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(128, bytes, 0, 12));
      cipher.updateAAD(associated(sealed.key, sealed.generation));
      byte[] plain = cipher.doFinal(bytes, 12, bytes.length - 12);
      return JSON.readValue(plain, State.class);
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      throw new SecretUnavailableException("the token state in " + where() + " under " + sealed.key
          + " cannot be read with this client secret (written with another, or not by Warden); delete that key and"
          + " put a refresh token from a new consent in " + credential.refreshToken().text());
    }
  }

  private static Sealed seal(byte[] sealKey, String key, long generation, State state) throws IOException {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(128, iv));
      cipher.updateAAD(associated(key, generation));
      byte[] sealed = cipher.doFinal(JSON.writeValueAsBytes(state));
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return new Sealed(key, generation, "v1." + generation + "." + Base64.getEncoder().encodeToString(out));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot seal the token state (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** What a sealed state is bound to: its key and generation, so that neither can be changed unseen. */
  private static byte[] associated(String key, long generation) {
    return (key + "#" + generation).getBytes(StandardCharsets.UTF_8);
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
