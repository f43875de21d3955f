package dev.warden.agent.hook.apache.async.v4_0;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.bootstrap.MethodHook;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code execute(producer, consumer, context, callback)}: hands the call to the adapter, which
 * takes it over (returning its own future) or lets it run.
 */
public final class AsyncClientAdvice {

  private AsyncClientAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  public static Object enter(@Advice.This Object client, @Advice.AllArguments Object[] arguments) {
    Object hook =
        Hooks.adapters.adapter(
            "dev.warden.agent.hook.apache.async.v4_0.AsyncClientHook",
            client.getClass().getClassLoader());
    return hook == null ? null : ((MethodHook) hook).enter(client, arguments);
  }

  @Advice.OnMethodExit
  public static void exit(
      @Advice.Enter Object future,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
    if (future != null) {
      result = future;
    }
  }
}
