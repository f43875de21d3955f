package dev.warden.agent.hook.apache.v4_2;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.bootstrap.MethodHook;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The advice of {@link ApacheInstrumentation}: hands the call to an adapter, which answers or lets
 * it run.
 */
public final class ApacheAdvice {

  private ApacheAdvice() {}

  /** {@code MainClientExec.execute(route, request, context, execAware)} and its minimal twin. */
  public static final class ExecChain {

    private ExecChain() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static Object enter(@Advice.This Object exec, @Advice.AllArguments Object[] arguments) {
      Object hook =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.apache.v4_2.ExecChainHook", exec.getClass().getClassLoader());
      return hook == null ? null : ((MethodHook) hook).enter(exec, arguments);
    }

    @Advice.OnMethodExit
    public static void exit(
        @Advice.Enter Object answered,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result)
        throws Throwable {
      if (answered instanceof MethodHook.Thrown thrown) {
        throw thrown.error();
      }
      if (answered != null) {
        result = answered;
      }
    }
  }

  /**
   * {@code AbstractHttpClient.execute(target, request, context)} (4.2) and {@code doExecute(...)}
   * (4.3 and newer).
   */
  public static final class LegacyClient {

    private LegacyClient() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static Object enter(
        @Advice.This Object client, @Advice.AllArguments Object[] arguments) {
      Object hook =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.apache.v4_2.LegacyClientHook",
              client.getClass().getClassLoader());
      return hook == null ? null : ((MethodHook) hook).enter(client, arguments);
    }

    @Advice.OnMethodExit
    public static void exit(
        @Advice.Enter Object answered,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result)
        throws Throwable {
      if (answered instanceof MethodHook.Thrown thrown) {
        throw thrown.error();
      }
      if (answered != null) {
        result = answered;
      }
    }
  }
}
