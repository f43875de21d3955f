package dev.warden.agent.bootstrap;

import java.net.SocketAddress;

/** The hook on the JDK's socket connects, for {@code unmanaged-egress}. */
public interface EgressHook {

  /** Lets every connection through. */
  EgressHook PASS_THROUGH = address -> null;

  /**
   * Called before a socket connects.
   *
   * @param address where to
   * @return {@code null} to connect; otherwise the message of the {@code ConnectException} that
   *     refuses the connection (it starts with {@code warden:})
   */
  String connecting(SocketAddress address);
}
