package dev.warden.agent.hook.jdk.socket;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.hook.HookInstrumentation;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * The JDK's socket connects, for {@code unmanaged-egress}: {@code Socket.connect} (classic sockets,
 * and everything built on them) and {@code SocketChannelImpl.connect} (NIO channels). Native
 * transports and connections through a forward proxy are out of sight.
 */
public final class SocketInstrumentation implements HookInstrumentation {

  @Override
  public String name() {
    return "jdk-sockets";
  }

  @Override
  public List<String> typeNames() {
    return List.of("java.net.Socket", "sun.nio.ch.SocketChannelImpl");
  }

  @Override
  public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer
        // Socket.connect(address) calls connect(address, timeout): hooking the latter sees each
        // connect once.
        .advice(
            isDeclaredBy(named("java.net.Socket"))
                .and(named("connect"))
                .and(takesArguments(2))
                .and(takesArgument(0, SocketAddress.class)),
            ConnectAdvice.class.getName())
        .advice(
            isDeclaredBy(named("sun.nio.ch.SocketChannelImpl"))
                .and(named("connect"))
                .and(takesArguments(1))
                .and(takesArgument(0, SocketAddress.class)),
            ConnectAdvice.class.getName());
  }

  /** Asks Warden before connecting; a refusal is the connect's own {@link ConnectException}. */
  public static final class ConnectAdvice {

    private ConnectAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static String enter(@Advice.Argument(0) SocketAddress address) {
      return Hooks.egress.connecting(address);
    }

    @Advice.OnMethodExit
    public static void exit(@Advice.Enter String refused) throws ConnectException {
      if (refused != null) {
        throw new ConnectException(refused);
      }
    }
  }
}
