package dev.warden.agent.credential.oauth;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The lock a fleet's JVMs take turns refreshing under: {@code SET NX PX} in the store, given back
 * only by its holder. It lasts {@link #TTL_MILLIS} unless its holder extends it, which it does
 * every {@link #EXTEND_MILLIS} from a thread of its own while it works, so a JVM that dies holding
 * it delays the fleet that long at most; the holder checks it still holds the lock just before it
 * presents a refresh token.
 */
final class RefreshLock {

  static final long TTL_MILLIS = 8_000;

  private static final long EXTEND_MILLIS = 2_000;

  private final TokenStateStore store;
  private final String key;
  private final String owner;
  private final ScheduledExecutorService extender;

  /**
   * @param key the lock's store key
   * @param owner who takes it: unique to this JVM
   * @param extender where the holder extends it: a thread nothing else delays
   */
  RefreshLock(TokenStateStore store, String key, String owner, ScheduledExecutorService extender) {
    this.store = store;
    this.key = key;
    this.owner = owner;
    this.extender = extender;
  }

  /** Takes the lock unless someone holds it; the returned hold extends it until closed. */
  Held tryLock() throws IOException {
    if (!store.tryLock(key, owner, TTL_MILLIS)) {
      return null;
    }
    ScheduledFuture<?> extending =
        extender.scheduleWithFixedDelay(
            () -> store.extend(key, owner, TTL_MILLIS),
            EXTEND_MILLIS,
            EXTEND_MILLIS,
            TimeUnit.MILLISECONDS);
    return new Held(extending);
  }

  /** The lock, held: {@link #close()} gives it back. */
  final class Held implements AutoCloseable {
    private final ScheduledFuture<?> extending;

    private Held(ScheduledFuture<?> extending) {
      this.extending = extending;
    }

    /** Whether this JVM still holds it (it may have lapsed while the store was away). */
    boolean stillHeld() throws IOException {
      return store.holds(key, owner);
    }

    @Override
    public void close() {
      extending.cancel(false);
      store.unlock(key, owner);
    }
  }
}
