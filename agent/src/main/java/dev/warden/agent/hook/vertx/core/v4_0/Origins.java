package dev.warden.agent.hook.vertx.core.v4_0;

import dev.warden.agent.hook.CallOrigin;
import dev.warden.agent.hook.WeakIdentityMap;

/** The origins of requests to sites (identity, weakly held), for the redirects they lead to. */
final class Origins {

  private static final WeakIdentityMap<CallOrigin> BY_REQUEST = new WeakIdentityMap<>();

  private Origins() {}

  static void put(Object request, CallOrigin origin) {
    BY_REQUEST.put(request, origin);
  }

  static CallOrigin get(Object request) {
    return BY_REQUEST.get(request);
  }
}
