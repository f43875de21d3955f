package dev.warden.agent.throttle;

import dev.warden.agent.log.Log;
import dev.warden.policy.StoreUri;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The shared stores throttles name, one connection each, opened on first use (the Redis client's
 * classes load only then, so a policy without a store pays nothing for them).
 */
final class Stores {

  private final SecretResolver secrets;
  private final Pauses pauses;
  private final ConcurrentHashMap<StoreUri, Object> stores = new ConcurrentHashMap<>();
  private volatile ExecutorService executor;

  /** A store whose password cannot be read: throttles fall back to local buckets. */
  private static final Object UNUSABLE = new Object();

  Stores(SecretResolver secrets, Pauses pauses) {
    this.secrets = secrets;
    this.pauses = pauses;
  }

  /** The store, or {@code null} when it cannot be used at all (its password cannot be read). */
  RedisStore get(StoreUri uri) {
    Object store = stores.get(uri);
    if (store == null) {
      store = stores.computeIfAbsent(uri, this::open);
    }
    return store == UNUSABLE ? null : (RedisStore) store;
  }

  /** The store if it was opened and can be used, without opening it. */
  RedisStore peek(StoreUri uri) {
    Object store = stores.get(uri);
    return store instanceof RedisStore redis ? redis : null;
  }

  /** Whether the store was opened (it may be unreachable: then it keeps trying). */
  boolean isOpen(StoreUri uri) {
    return stores.containsKey(uri);
  }

  Executor executor() {
    ExecutorService current = executor;
    return current != null ? current : createExecutor();
  }

  private synchronized ExecutorService createExecutor() {
    if (executor == null) {
      executor =
          Executors.newFixedThreadPool(
              2,
              runnable -> {
                Thread thread = new Thread(runnable, "warden-store");
                thread.setDaemon(true);
                return thread;
              });
    }
    return executor;
  }

  private Object open(StoreUri uri) {
    String password = null;
    if (uri.password().isPresent()) {
      try {
        password = uri.password().get().resolve(secrets).reveal();
      } catch (SecretUnavailableException e) {
        Log.get()
            .error(
                "store "
                    + uri
                    + ": its password is unavailable ("
                    + e.getMessage()
                    + "); throttles that use it keep local buckets at this JVM's share of the rate");
        return UNUSABLE;
      }
    }
    try {
      return new RedisStore(uri, password, pauses);
    } catch (RuntimeException | LinkageError e) {
      Log.get()
          .error(
              "store "
                  + uri
                  + " cannot be used ("
                  + e.getClass().getName()
                  + "); throttles that use it keep local buckets at this JVM's share of the rate");
      return UNUSABLE;
    }
  }
}
