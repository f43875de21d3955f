package dev.warden.agent.credential.oauth;

import dev.warden.agent.log.Log;
import dev.warden.policy.secret.SecretUnavailableException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What one JVM knows of its fleet's token state: the newest state it has opened or written (the
 * highest generation), and the seeds the states it opened started from. It puts that state back
 * when the store lost it (a Redis restarted without persistence) or holds an older one: whenever
 * the grant reads the store, and every second in the background (so that it stays current while the
 * JVM makes no calls), until the credential leaves the policy. A {@link FleetRefreshGrant#RESET}
 * makes it forget.
 */
final class KnownState {

  /** How often the background check runs. */
  private static final long CHECK_MILLIS = 1_000;

  /** Opens a state read from the store. */
  @FunctionalInterface
  interface Opener {
    SealedState.Opened open(byte[] sealKey, String key, String text)
        throws SecretUnavailableException;
  }

  private final String credential;
  private final String where;
  private final TokenStateStore store;
  private final ScheduledExecutorService checker;
  private final Opener opener;

  /**
   * Fingerprints of the seeds every state this JVM opened had started from: a seed once used has
   * rotated since.
   */
  private final Set<String> seenSeeds = ConcurrentHashMap.newKeySet();

  private SealedState known;

  /** The key states are sealed with, for the background check to open what it reads. */
  private volatile byte[] sealKey;

  private ScheduledFuture<?> checking;
  private boolean closed;

  /**
   * @param credential the credential's name, for log lines
   * @param where the store, safe to print
   * @param checker where the background check runs
   */
  KnownState(
      String credential,
      String where,
      TokenStateStore store,
      ScheduledExecutorService checker,
      Opener opener) {
    this.credential = credential;
    this.where = where;
    this.store = store;
    this.checker = checker;
    this.opener = opener;
  }

  /** The key states are sealed with now (from the client secret). */
  void sealKey(byte[] key) {
    sealKey = key;
  }

  /** Whether a state this JVM opened had started from the seed with this fingerprint. */
  boolean seenSeed(String fingerprint) {
    return seenSeeds.contains(fingerprint);
  }

  /** Keeps a state this JVM opened or wrote when it is newer than what it knew, and its seeds. */
  void remember(SealedState.Opened opened) {
    if (opened == null) {
      return;
    }
    SealedState state = opened.sealed();
    if (opened.state().seeds() != null && seenSeeds.size() < 1024) {
      seenSeeds.addAll(opened.state().seeds());
    }
    synchronized (this) {
      if (known == null
          || !known.key().equals(state.key())
          || state.generation() > known.generation()) {
        known = state;
      }
      if (checking == null && !closed) {
        checking =
            checker.scheduleWithFixedDelay(
                this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** The newest state known under {@code key}, or {@code null}. */
  synchronized SealedState knownFor(String key) {
    return known != null && known.key().equals(key) ? known : null;
  }

  /**
   * Puts back the newest state this JVM knows when the store holds none, or an older generation.
   *
   * @param inStore what the store holds under {@code key} now
   * @return whether the store was written (read it again)
   */
  boolean restore(String key, String inStore) throws IOException {
    SealedState mine = knownFor(key);
    if (mine == null) {
      return false;
    }
    if (FleetRefreshGrant.RESET.equals(inStore)) {
      synchronized (this) {
        if (known == mine) {
          known = null;
        }
      }
      return false;
    }
    SealedState there = SealedState.parse(key, inStore);
    boolean older = there != null && there.generation() < mine.generation();
    if (inStore != null && !older) {
      return false;
    }
    boolean written = store.compareAndSet(key, inStore, mine.text());
    if (written) {
      Log.get()
          .warn(
              "credential '"
                  + credential
                  + "': "
                  + where
                  + (inStore == null ? " had lost" : " held an older")
                  + " token state; it holds the newest this JVM knows again");
    }
    return written;
  }

  /** The background check: the store holds the newest state this JVM knows. */
  private void check() {
    SealedState mine;
    synchronized (this) {
      mine = known;
    }
    if (mine == null) {
      return;
    }
    try {
      String text = store.get(mine.key());
      byte[] key = sealKey;
      if (!restore(mine.key(), text)
          && key != null
          && text != null
          && !FleetRefreshGrant.RESET.equals(text)) {
        SealedState there = SealedState.parse(mine.key(), text);
        if (there != null && there.generation() > mine.generation()) {
          remember(opener.open(key, mine.key(), text));
        }
      }
    } catch (IOException | SecretUnavailableException e) {
      // The store is away: the next check tries again.
    } catch (RuntimeException e) {
      Log.get()
          .error(
              "credential '"
                  + credential
                  + "': cannot check its token state ("
                  + e.getClass().getName()
                  + ")");
    }
  }

  /** Stops the background check. */
  synchronized void close() {
    closed = true;
    if (checking != null) {
      checking.cancel(false);
    }
  }
}
