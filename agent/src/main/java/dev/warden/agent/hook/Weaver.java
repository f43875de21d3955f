package dev.warden.agent.hook;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.log.Log;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the hooks' advice into the classes they name, one class at a time as {@link
 * DeferredWeaving} hands it over: the class's own bytes are described by a type pool, decorated
 * (methods and fields stay as they are; no class format change, so a loaded class can be
 * retransformed), and each hook's {@link AgentBuilder.Transformer.ForAdvice} inlines its advice.
 *
 * <p>This is the part of Byte Buddy's {@code AgentBuilder} that Warden uses, without the rest: its
 * transformer class is generated at run time (a subclass that adds the Java 9 {@code transform}
 * signature), which took a tenth of a second of the application's start-up, and its matchers and
 * listeners are not needed when the gate has matched a class by name already.
 */
final class Weaver implements DeferredWeaving.ClassWeaver {

  private final Map<String, List<AgentBuilder.Transformer.ForAdvice>> adviceByType;
  private final ByteBuddy byteBuddy;
  private final TypePools pools = new TypePools();
  private final Instrumentation instrumentation;
  private final Module hooksModule;

  private Weaver(
      Map<String, List<AgentBuilder.Transformer.ForAdvice>> adviceByType,
      Instrumentation instrumentation) {
    this.adviceByType = adviceByType;
    this.instrumentation = instrumentation;
    this.hooksModule = Hooks.class.getModule();
    this.byteBuddy =
        new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE);
  }

  /** A weaver for these hooks. */
  static Weaver of(List<HookInstrumentation> hooks, Instrumentation instrumentation) {
    Advice.ExceptionHandler reportSuppressed;
    try {
      reportSuppressed =
          new Advice.ExceptionHandler.Simple(
              MethodInvocation.invoke(
                  new MethodDescription.ForLoadedMethod(
                      Hooks.class.getMethod("suppressed", Throwable.class))));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    // Inlined advice needs no initialization strategy, so Byte Buddy's Nexus (which would be
    // injected into the system class loader at a cost of some 150 ms) is never needed. The property
    // is the relocated copy's (the shading rewrites it), not the application's.
    System.setProperty("net.bytebuddy.nexus.disabled", "true");
    Map<String, List<AgentBuilder.Transformer.ForAdvice>> byType = new HashMap<>();
    for (HookInstrumentation hook : hooks) {
      AgentBuilder.Transformer.ForAdvice advice =
          hook.advice(
              new AgentBuilder.Transformer.ForAdvice()
                  .include(Weaver.class.getClassLoader())
                  .withExceptionHandler(reportSuppressed));
      for (String type : hook.typeNames()) {
        byType.computeIfAbsent(type, k -> new ArrayList<>()).add(advice);
      }
    }
    byType.replaceAll((type, list) -> List.copyOf(list));
    return new Weaver(Map.copyOf(byType), instrumentation);
  }

  /**
   * The class with its hooks woven in; {@code null} (the class as it is) when it is not hooked or
   * cannot be woven, which is logged: its requests are then not guarded.
   *
   * @param name the class's binary name ({@code jdk.internal.net.http.HttpClientImpl})
   */
  @Override
  public byte[] weave(
      Module module, ClassLoader loader, String name, ProtectionDomain domain, byte[] bytes) {
    List<AgentBuilder.Transformer.ForAdvice> advice = adviceByType.get(name);
    if (advice == null) {
      return null;
    }
    try {
      ClassFileLocator locator =
          new ClassFileLocator.Compound(
              ClassFileLocator.Simple.of(name, bytes), ClassFileLocator.ForClassLoader.of(loader));
      TypePool pool = pools.typePool(locator, loader);
      TypeDescription type = pool.describe(name).resolve();
      JavaModule javaModule = module == null ? null : JavaModule.of(module);
      DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator);
      for (AgentBuilder.Transformer.ForAdvice each : advice) {
        builder = each.transform(builder, type, loader, javaModule, domain);
      }
      byte[] woven = builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
      PlainWeaver.assureReads(instrumentation, module, hooksModule);
      Log.get().debug("hooked " + name);
      return woven;
    } catch (RuntimeException | LinkageError e) {
      Log.get()
          .error("cannot hook " + name + ": " + e + "; its requests are not guarded by Warden");
      return null;
    }
  }

  /**
   * Retransforms a hooked class that could not be woven as it loaded, from a thread of its own once
   * it has loaded (a transformer cannot retransform from inside a class's loading).
   */
  @Override
  public void retransformLater(String name, ClassLoader loader) {
    Thread thread =
        new Thread(
            () -> {
              for (int attempt = 0; attempt < 100; attempt++) {
                for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
                  if (loaded.getName().equals(name) && loaded.getClassLoader() == loader) {
                    try {
                      instrumentation.retransformClasses(loaded);
                    } catch (Exception | LinkageError e) {
                      Log.get()
                          .error(
                              "cannot hook " + name + " (" + e + "); its requests are not guarded");
                    }
                    return;
                  }
                }
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
              Log.get().error("cannot hook " + name + ": it did not finish loading");
            },
            "warden-weaver-late");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * A type pool cache per class loader, held weakly (a web application's loader can go away), with
   * soft-referenced entries: what hooking one client class parses (its supertypes, the JDK types in
   * its signatures) is parsed once for the next.
   */
  private static final class TypePools extends AgentBuilder.PoolStrategy.WithTypePoolCache {
    private final Map<ClassLoader, TypePool.CacheProvider> caches =
        Collections.synchronizedMap(new WeakHashMap<>());
    private final TypePool.CacheProvider bootstrap =
        new TypePool.CacheProvider.Simple.UsingSoftReference();

    TypePools() {
      super(TypePool.Default.ReaderMode.FAST);
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader classLoader) {
      return classLoader == null
          ? bootstrap
          : caches.computeIfAbsent(
              classLoader, k -> new TypePool.CacheProvider.Simple.UsingSoftReference());
    }
  }
}
