package dev.warden.agent.hook.vertx.v4_0;

import io.vertx.core.Handler;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.impl.HttpContext;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Keeps Warden's interceptor last in a WebClient's interceptor list. Last, because interceptors
 * that come before it may set the request's headers (the application's own, OAuth2's bearer token,
 * a session's cookies) and Warden must decide and authenticate what is actually sent. The list is
 * changed in place, not through {@code addInterceptor}, which from 4.5 refuses a second interceptor
 * of one class (a client built from another, such as a {@code WebClientSession}, copies its list).
 */
public final class WardenInterceptors implements BiConsumer<Object, Object> {

  @Override
  @SuppressWarnings("unchecked")
  public void accept(Object list, Object options) {
    List<Handler<HttpContext<?>>> interceptors = (List<Handler<HttpContext<?>>>) list;
    int size = interceptors.size();
    if (size > 0 && interceptors.get(size - 1) instanceof WardenInterceptor) {
      return;
    }
    WardenInterceptor ours = null;
    for (Handler<HttpContext<?>> interceptor : interceptors) {
      if (interceptor instanceof WardenInterceptor warden) {
        ours = warden;
      }
    }
    if (ours != null) {
      interceptors.remove(ours);
    } else {
      ours = new WardenInterceptor(options instanceof WebClientOptions web && web.isSsl());
    }
    interceptors.add(ours);
  }
}
