package dev.warden.agent.hook.jetty.v12;

import dev.warden.agent.bootstrap.Headers;

/**
 * The mark on the conversation of a copy Warden sends with a credential: the credential fields
 * Warden decided on ({@link dev.warden.agent.pipeline.RequestCredentials#decided}). Jetty adds the
 * credentials of its own stores (the application's) when it writes a request, and retries a 401 in
 * the same conversation; both are set back to these (see {@link NormalizeHook}). The copy's
 * conversation is Warden's alone: the application never sees it.
 *
 * @param decided the credential fields Warden decided on
 */
record WardenSent(Headers decided) {

  /** The conversation attribute. */
  static final String KEY = "dev.warden.jetty.sent";

  /** Never the values: Jetty may print a conversation's attributes. */
  @Override
  public String toString() {
    return "WardenSent" + decided;
  }
}
