package dev.warden.agent.hook.apache.v5_0;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.bootstrap.MethodHook;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code ConnectExec.execute(request, scope, chain)}: hands the hop to the adapter, which answers
 * or lets it run.
 */
public final class ConnectExecAdvice {

  private ConnectExecAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  public static Object enter(@Advice.This Object exec, @Advice.AllArguments Object[] arguments) {
    Object hook =
        Hooks.adapters.adapter(
            "dev.warden.agent.hook.apache.v5_0.ConnectExecHook", exec.getClass().getClassLoader());
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
