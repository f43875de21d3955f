package dev.warden.agent.hook.vertx.core.v4_0;

import dev.warden.agent.hook.CallOrigin;
import dev.warden.agent.hook.WeakIdentityMap;
import io.vertx.core.AsyncResult;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.impl.future.PromiseInternal;
import java.util.function.BiFunction;

/**
 * Puts Warden first in line for a Vert.x 4 call's request: the promise a {@code request(...,
 * Handler)} variant hands to Vert.x holds the application's handler already, which may write the
 * request before a listener added after it could hand the call's origin to the channel. The call
 * goes on with a promise of Warden's instead: once it has the request, the origin goes to the
 * request's channel, and then the application's promise completes as it would have.
 */
public final class Relay implements BiFunction<Object, Object, Object> {

  /** The promises made here, which {@link Attach} leaves alone (identity, weakly). */
  private static final WeakIdentityMap<Boolean> RELAYS = new WeakIdentityMap<>();

  @Override
  @SuppressWarnings("unchecked")
  public Object apply(Object call, Object given) {
    if (!(call instanceof CallOrigin origin)
        || !(given instanceof PromiseInternal<?> internal)
        || internal.context() == null) {
      return given;
    }
    Promise<HttpClientRequest> application = (Promise<HttpClientRequest>) internal;
    PromiseInternal<HttpClientRequest> relay;
    try {
      relay = internal.context().promise();
    } catch (RuntimeException e) {
      // The call goes on with its own promise; Attach follows it.
      return given;
    }
    RELAYS.put(relay, Boolean.TRUE);
    relay
        .future()
        .onComplete(
            done -> {
              try {
                Attach.outcome(origin, done);
              } finally {
                application.handle((AsyncResult<HttpClientRequest>) done);
              }
            });
    return relay;
  }

  /** Whether this promise is one of Warden's relays, followed already. */
  static boolean isRelay(Object promise) {
    return RELAYS.get(promise) != null;
  }
}
