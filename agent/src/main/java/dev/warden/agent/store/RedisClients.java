package dev.warden.agent.store;

import dev.warden.agent.log.JulBridge;
import dev.warden.policy.StoreUri;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Redis clients for the stores a policy names (throttles' buckets and pauses, OAuth token state),
 * configured alike: short command timeouts, commands refused at once while disconnected (callers
 * fall back rather than queue), reconnection in the background, and one small set of I/O threads
 * shared by every store. The Redis client's classes load only when a store is used.
 */
public final class RedisClients {

  /** How long a command may take before the store counts as unreachable. */
  public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

  private static ClientResources resources;

  private RedisClients() {}

  private static synchronized ClientResources resources() {
    if (resources == null) {
      // The Redis client logs through java.util.logging: its warnings become Warden's, nothing
      // reaches the application's log.
      JulBridge.install();
      // Reconnection attempts at most a second apart: a store that is back is used again within a
      // second or two.
      resources =
          DefaultClientResources.builder()
              .ioThreadPoolSize(2)
              .computationThreadPoolSize(2)
              .reconnectDelay(
                  Delay.exponential(
                      Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
              .build();
    }
    return resources;
  }

  /**
   * A client for the store; it connects when asked to.
   *
   * @param password the resolved password, or {@code null}
   */
  public static RedisClient create(StoreUri uri, String password) {
    RedisURI.Builder target =
        RedisURI.builder()
            .withHost(uri.host())
            .withPort(uri.port())
            .withDatabase(uri.database())
            .withSsl(uri.tls())
            .withTimeout(COMMAND_TIMEOUT);
    if (password != null) {
      if (uri.username().isPresent()) {
        target.withAuthentication(uri.username().get(), password.toCharArray());
      } else {
        target.withPassword(password.toCharArray());
      }
    }
    RedisClient client = RedisClient.create(resources(), target.build());
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(Duration.ofSeconds(1))
                    .keepAlive(true)
                    .build())
            .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
            .build());
    return client;
  }
}
