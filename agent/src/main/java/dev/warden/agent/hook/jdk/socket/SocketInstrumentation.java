package dev.warden.agent.hook.jdk.socket;

import dev.warden.agent.hook.HookCall;
import dev.warden.agent.hook.HookInstrumentation;
import java.util.List;

/**
 * The JDK's socket connects, for {@code unmanaged-egress}: {@code Socket.connect} (classic sockets,
 * and everything built on them) and {@code SocketChannelImpl.connect} (NIO channels). Warden is
 * asked before connecting ({@link dev.warden.agent.bootstrap.Hooks#connecting}); a refusal is the
 * connect's own {@link java.net.ConnectException}. Native transports and connections through a
 * forward proxy are out of sight.
 */
public final class SocketInstrumentation implements HookInstrumentation {

  @Override
  public String name() {
    return "jdk-sockets";
  }

  @Override
  public List<HookCall> calls() {
    return List.of(
        // Socket.connect(address) calls connect(address, timeout): hooking the latter sees each
        // connect once.
        new HookCall(
            "java/net/Socket",
            "connect",
            "(Ljava/net/SocketAddress;I)V",
            HookCall.Kind.ENTER_REFUSE_CONNECT,
            HOOKS,
            "connecting"),
        new HookCall(
            "sun/nio/ch/SocketChannelImpl",
            "connect",
            "(Ljava/net/SocketAddress;)Z",
            HookCall.Kind.ENTER_REFUSE_CONNECT,
            HOOKS,
            "connecting"));
  }
}
