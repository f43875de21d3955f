package dev.warden.agent.hook.apache.v5_0;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.bootstrap.MethodHook;
import net.bytebuddy.asm.Advice;

/**
 * {@code AsyncConnectExec.execute(request, entityProducer, scope, chain, callback)}: hands the hop
 * to the adapter, which takes it over (and completes the callback itself) or lets it run.
 */
public final class AsyncConnectExecAdvice {

  private AsyncConnectExecAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  public static Object enter(@Advice.This Object exec, @Advice.AllArguments Object[] arguments) {
    Object hook =
        Hooks.adapters.adapter(
            "dev.warden.agent.hook.apache.v5_0.AsyncConnectExecHook",
            exec.getClass().getClassLoader());
    return hook == null ? null : ((MethodHook) hook).enter(exec, arguments);
  }
}
