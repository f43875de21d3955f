package dev.warden.agent.store;

import dev.warden.agent.log.JulBridge;
import dev.warden.policy.StoreUri;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.pubsub.PubSubEndpoint;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnectionImpl;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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

  /*
   * Lettuce's Netty and Reactor are relocated apart from the application's, whose names Warden's
   * own classes keep (its hooks refer to them): the two settings below that name a Netty or Reactor
   * type reach Lettuce's copy through the types of Lettuce's own methods.
   */

  /** Lettuce's connection events, which Warden does not read: none are kept. */
  private static final EventBus SILENT_EVENT_BUS =
      (EventBus)
          Proxy.newProxyInstance(
              EventBus.class.getClassLoader(),
              new Class<?>[] {EventBus.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "get" -> method.getReturnType().getMethod("empty").invoke(null);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "no events";
                    default -> null;
                  });

  /**
   * The JVM's own name resolution (Netty's {@code DefaultAddressResolverGroup}), not Netty's DNS
   * client.
   */
  private static void jvmNameResolution(DefaultClientResources.Builder builder) {
    try {
      for (Method method : DefaultClientResources.Builder.class.getMethods()) {
        if (method.getName().equals("addressResolverGroup") && method.getParameterCount() == 1) {
          Class<?> group = method.getParameterTypes()[0];
          Object jvm =
              Class.forName(
                      group.getPackageName() + ".DefaultAddressResolverGroup",
                      true,
                      group.getClassLoader())
                  .getField("INSTANCE")
                  .get(null);
          method.invoke(builder, jvm);
          return;
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // Lettuce's own DNS client then: slower to start, as correct.
    }
  }

  /**
   * Sets up the I/O resources every store shares (Netty's, some 100 ms of class loading), ahead of
   * the first store: called as a policy that names one starts loading.
   */
  public static void warmUp() {
    try {
      resources();
    } catch (RuntimeException | LinkageError e) {
      // The first store sets them up then, and says what is wrong.
    }
  }

  private static synchronized ClientResources resources() {
    if (resources == null) {
      // The Redis client logs through java.util.logging: its warnings become Warden's, nothing
      // reaches the application's log.
      JulBridge.install();
      // Reconnection attempts at most a second apart: a store that is back is used again within a
      // second or two.
      DefaultClientResources.Builder builder = DefaultClientResources.builder();
      jvmNameResolution(builder);
      resources =
          builder
              .ioThreadPoolSize(2)
              .computationThreadPoolSize(2)
              // Started in the background as a policy loads, and the first request through a
              // store waits for it: nothing Warden does not use. The JVM's own name resolution
              // (not Netty's DNS client), no event bus (Reactor's schedulers) and no latency
              // metrics: some 400 classes fewer to load before the store is ready.
              .eventBus(SILENT_EVENT_BUS)
              .commandLatencyRecorder(CommandLatencyRecorder.disabled())
              .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
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
    RedisClient client = new LazySyncClient(resources(), target.build());
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

  /**
   * A client whose connections make their synchronous API when it is first used. Lettuce makes it
   * as every connection opens: a reflective proxy over some 400 command methods, which took a tenth
   * of a second of the first request through a store (twice, with the pause subscription's), and is
   * used here only off the request path.
   */
  static final class LazySyncClient extends RedisClient {
    LazySyncClient(ClientResources resources, RedisURI uri) {
      super(resources, uri);
    }

    @Override
    protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(
        RedisChannelWriter writer,
        PushHandler pushHandler,
        RedisCodec<K, V> codec,
        Duration timeout) {
      return new StatefulRedisConnectionImpl<>(writer, pushHandler, codec, timeout) {
        private final Once<RedisCommands<K, V>> lazySync =
            new Once<>(super::newRedisSyncCommandsImpl);

        @Override
        protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
          // Called by the constructor; made on first use instead (sync() below).
          return null;
        }

        @Override
        public RedisCommands<K, V> sync() {
          return lazySync.get();
        }
      };
    }

    @Override
    protected <K, V> StatefulRedisPubSubConnectionImpl<K, V> newStatefulRedisPubSubConnection(
        PubSubEndpoint<K, V> endpoint,
        RedisChannelWriter writer,
        RedisCodec<K, V> codec,
        Duration timeout) {
      return new StatefulRedisPubSubConnectionImpl<>(endpoint, writer, codec, timeout) {
        private final Once<RedisPubSubCommands<K, V>> lazySync =
            new Once<>(super::newRedisSyncCommandsImpl);

        @Override
        protected RedisPubSubCommands<K, V> newRedisSyncCommandsImpl() {
          return null;
        }

        @Override
        public RedisPubSubCommands<K, V> sync() {
          return lazySync.get();
        }
      };
    }
  }

  /** A value made on first use, once. */
  private static final class Once<T> {
    private final Supplier<T> make;
    private volatile T value;

    Once(Supplier<T> make) {
      this.make = make;
    }

    T get() {
      T current = value;
      if (current == null) {
        synchronized (this) {
          current = value;
          if (current == null) {
            current = make.get();
            value = current;
          }
        }
      }
      return current;
    }
  }
}
