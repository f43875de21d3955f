package dev.warden.agent.credential.oauth;

import dev.warden.agent.store.RedisClients;
import dev.warden.policy.StoreUri;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.io.IOException;

/**
 * The Redis a fleet keeps its OAuth token state in ({@code store} of an {@code oauth2-refresh}
 * credential): plain reads, a lock taken with {@code SET NX PX} and given back only by its holder,
 * and writes that succeed only over the value the writer read. One connection per store, opened at
 * first use and again after a failure; every failure is an {@link IOException} saying which store
 * and what kind of failure, never a password.
 */
final class TokenStateStore {

  private static final String UNLOCK =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
  private static final String EXTEND =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
  private static final String COMPARE_AND_SET =
      "local v = redis.call('get', KEYS[1]) "
          + "if (v == false and ARGV[1] == '') or v == ARGV[1] then redis.call('set', KEYS[1], ARGV[2]) return 1 else return 0 end";

  private final StoreUri uri;
  private final SecretResolver resolver;
  private RedisClient client;
  private volatile StatefulRedisConnection<String, String> connection;

  TokenStateStore(StoreUri uri, SecretResolver resolver) {
    this.uri = uri;
    this.resolver = resolver;
  }

  /** The value under {@code key}, or {@code null}. */
  String get(String key) throws IOException {
    try {
      return commands().get(key);
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  /** Takes the lock {@code key} for {@code ttlMillis} unless someone holds it. */
  boolean tryLock(String key, String owner, long ttlMillis) throws IOException {
    try {
      return "OK".equals(commands().set(key, owner, SetArgs.Builder.nx().px(ttlMillis)));
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  /** Whether {@code owner} holds the lock {@code key}. */
  boolean holds(String key, String owner) throws IOException {
    try {
      return owner.equals(commands().get(key));
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  /** Makes the lock last {@code ttlMillis} more if {@code owner} still holds it (best effort). */
  void extend(String key, String owner, long ttlMillis) {
    try {
      commands()
          .eval(
              EXTEND,
              ScriptOutputType.INTEGER,
              new String[] {key},
              owner,
              Long.toString(ttlMillis));
    } catch (RuntimeException | IOException e) {
      // It lapses: the compare-and-set of the write still keeps the state whole.
    }
  }

  /** Gives the lock back if {@code owner} still holds it (best effort: it expires anyway). */
  void unlock(String key, String owner) {
    try {
      commands().eval(UNLOCK, ScriptOutputType.INTEGER, new String[] {key}, owner);
    } catch (RuntimeException | IOException e) {
      // It expires on its own.
    }
  }

  /**
   * Sets {@code key} to {@code value} if it still holds {@code expected} ({@code null}: if it holds
   * nothing).
   *
   * @return whether it was set
   */
  boolean compareAndSet(String key, String expected, String value) throws IOException {
    try {
      Long set =
          commands()
              .eval(
                  COMPARE_AND_SET,
                  ScriptOutputType.INTEGER,
                  new String[] {key},
                  expected == null ? "" : expected,
                  value);
      return set != null && set == 1L;
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  private RedisCommands<String, String> commands() throws IOException {
    StatefulRedisConnection<String, String> current = connection;
    if (current != null) {
      return current.sync();
    }
    synchronized (this) {
      if (connection == null) {
        String password = null;
        if (uri.password().isPresent()) {
          try {
            password = uri.password().get().resolve(resolver).reveal();
          } catch (SecretUnavailableException e) {
            throw new IOException(
                "store " + uri + ": its password is unavailable (" + e.getMessage() + ")");
          }
        }
        if (client == null) {
          client = RedisClients.create(uri, password);
        }
        try {
          connection = client.connect(StringCodec.UTF8);
        } catch (RuntimeException e) {
          // The password may have been the problem, or may change: the next attempt reads it again.
          client.shutdownAsync();
          client = null;
          throw unreachable(e);
        }
      }
      return connection.sync();
    }
  }

  private IOException unreachable(RuntimeException e) {
    return new IOException(
        "store " + uri + " cannot be reached (" + e.getClass().getSimpleName() + ")");
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
