package dev.warden.agent.hook.jetty.v12;

import java.util.List;

/**
 * The mark on the conversation of a copy Warden sends with a credential: the {@code Authorization}
 * and {@code Cookie} values Warden sent. Jetty adds the credentials of its own stores (the
 * application's) when it writes a request, and retries a 401 in the same conversation; both are
 * set back to these (see {@link NormalizeHook}). The copy's conversation is Warden's alone: the
 * application never sees it.
 *
 * @param authorization the {@code Authorization} values Warden set
 * @param cookies the {@code Cookie} values Warden kept
 */
record WardenSent(List<String> authorization, List<String> cookies) {

  /** The conversation attribute. */
  static final String KEY = "dev.warden.jetty.sent";

  /** Never the values: Jetty may print a conversation's attributes. */
  @Override
  public String toString() {
    return "WardenSent[" + authorization.size() + " authorization, " + cookies.size() + " cookie]";
  }
}
