package dev.warden.agent.hook.vertx.core.v4_0;

import dev.warden.agent.hook.CallOrigin;
import io.vertx.core.http.HttpClientRequest;
import java.util.function.BiConsumer;

/**
 * A redirect Vert.x follows: its next hop, made on the event loop, is the same call as the hop
 * before it, so it carries that hop's origin (where the call was made, and that it went to a site:
 * the next hop elsewhere goes without credentials).
 */
public final class NextHop implements BiConsumer<Object, Object> {

  @Override
  public void accept(Object previous, Object next) {
    CallOrigin origin = Origins.get(previous);
    if (origin != null && next instanceof HttpClientRequest request) {
      Attach.handOver(request, origin);
    }
  }
}
