package dev.warden.agent.hook.vertx.core.v4_0;

import dev.warden.agent.hook.CallOrigin;
import dev.warden.agent.hook.netty.v4_1.ChannelGate;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.function.BiConsumer;

/**
 * Follows a call's future: once Vert.x has the request on a connection, the call's origin goes to
 * that connection's channel, where the gate takes it with the request; a call that fails before
 * (connection refused, TLS) is audited with its failure.
 */
public final class Attach implements BiConsumer<Object, Object> {

  @Override
  public void accept(Object call, Object outcome) {
    CallOrigin origin = (CallOrigin) call;
    if (outcome instanceof Throwable thrown) {
      origin.failed(thrown);
      return;
    }
    if (Relay.isRelay(outcome)) {
      return;
    }
    Future<?> future =
        outcome instanceof Promise<?> promise
            ? promise.future()
            : outcome instanceof Future<?> returned ? returned : null;
    if (future == null) {
      origin.connected();
      return;
    }
    future.onComplete(done -> outcome(origin, done));
  }

  /** The call has its request on a connection, or failed before. */
  static void outcome(CallOrigin origin, AsyncResult<?> done) {
    if (done.failed()) {
      origin.failed(done.cause());
    } else {
      origin.connected();
      if (done.result() instanceof HttpClientRequest request) {
        handOver(request, origin);
      }
    }
  }

  /** Hands {@code origin} to the channel {@code request} is written on, and remembers it there. */
  static void handOver(HttpClientRequest request, CallOrigin origin) {
    if (!origin.isDecided()) {
      Origins.put(request, origin);
    }
    if (request.connection() instanceof ConnectionBase connection) {
      ChannelGate.handOver(connection.channel(), origin);
    }
  }
}
