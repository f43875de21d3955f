package dev.warden.agent.hook.vertx.core.v4_0;

import dev.warden.agent.hook.CallOrigin;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/** The origins of requests to sites (identity, weakly held), for the redirects they lead to. */
final class Origins {

  private static final Map<Object, CallOrigin> BY_REQUEST =
      Collections.synchronizedMap(new WeakHashMap<>());

  private Origins() {}

  static void put(Object request, CallOrigin origin) {
    BY_REQUEST.put(request, origin);
  }

  static CallOrigin get(Object request) {
    return request == null ? null : BY_REQUEST.get(request);
  }
}
