package dev.warden.agent.hook;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.hook.apache.v4_2.ApacheInstrumentation;
import dev.warden.agent.hook.apache.v5_0.Apache5Instrumentation;
import dev.warden.agent.hook.jdk.httpclient.HttpClientInstrumentation;
import dev.warden.agent.hook.jdk.urlconnection.UrlConnectionInstrumentation;
import dev.warden.agent.hook.okhttp.v3_12.OkHttpInstrumentation;
import dev.warden.agent.log.Log;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.utility.JavaModule;

/**
 * Every hook Warden installs, and how. Adding a client is adding its instrumentation to
 * {@link #ALL}.
 */
public final class Instrumentations {

  /** The hooks, one per client library. */
  public static final List<HookInstrumentation> ALL = List.of(
      new HttpClientInstrumentation(),
      new UrlConnectionInstrumentation(),
      new OkHttpInstrumentation(),
      new ApacheInstrumentation(),
      new Apache5Instrumentation());

  private Instrumentations() {}

  /** The packages of every library hook's adapters. */
  public static List<String> adapterPackages() {
    return ALL.stream().map(HookInstrumentation::adapterPackage).filter(java.util.Objects::nonNull).toList();
  }

  /** Weaves every hook into the classes it names, those already loaded included. */
  public static void install(Instrumentation instrumentation) {
    install(instrumentation, ALL);
  }

  /** Weaves these hooks. */
  public static void install(Instrumentation instrumentation, List<HookInstrumentation> hooks) {
    Advice.ExceptionHandler reportSuppressed;
    try {
      reportSuppressed = new Advice.ExceptionHandler.Simple(
          MethodInvocation.invoke(new MethodDescription.ForLoadedMethod(Hooks.class.getMethod("suppressed", Throwable.class))));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    AgentBuilder builder = new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(new Listener())
        // Only the named types below are woven; everything else is ignored by name, before any parsing.
        .ignore(nameStartsWith("dev.warden.").or(nameStartsWith("net.bytebuddy.")).or(isSynthetic()))
        .assureReadEdgeTo(instrumentation, Hooks.class);
    for (HookInstrumentation hook : hooks) {
      AgentBuilder.Transformer.ForAdvice advice = new AgentBuilder.Transformer.ForAdvice()
          .include(Instrumentations.class.getClassLoader())
          .withExceptionHandler(reportSuppressed);
      builder = builder.type(hook.types()).transform(hook.advice(advice));
    }
    builder.installOn(instrumentation);
  }

  /** Reports weaving failures: a hook that cannot be installed leaves its client unguarded, which must be said. */
  private static final class Listener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      Log.get().error("cannot hook " + typeName + ": " + throwable + "; its requests are not guarded by Warden");
    }

    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded, DynamicType dynamicType) {
      Log.get().debug("hooked " + type.getName());
    }
  }
}
