package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.pipeline.Gateway;
import java.net.URI;

/**
 * Marks a Jira-bound call's connects as a hooked client's, for {@code unmanaged-egress}. Other
 * hooks connect inside Warden's send, which the pipeline marks; Reactor Netty connects before the
 * hop reaches Warden's gate, so the call is marked from subscription to termination.
 */
final class ManagedConnects {

  private ManagedConnects() {}

  /** Starts marking connects to {@code uri}'s host and port; the key to {@link #end} with. */
  static String begin(Gateway gateway, URI uri) {
    return gateway.managedConnections().begin(uri);
  }

  static void end(Gateway gateway, String key) {
    if (key != null) {
      gateway.managedConnections().end(key);
    }
  }
}
