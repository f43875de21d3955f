package dev.warden.agent.hook;

import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.caller.CallerFinder;
import dev.warden.agent.hook.apache.async.v4_0.AsyncClientInstrumentation;
import dev.warden.agent.hook.apache.v4_2.ApacheInstrumentation;
import dev.warden.agent.hook.apache.v5_0.Apache5Instrumentation;
import dev.warden.agent.hook.jdk.httpclient.HttpClientInstrumentation;
import dev.warden.agent.hook.jdk.socket.SocketInstrumentation;
import dev.warden.agent.hook.jdk.urlconnection.UrlConnectionInstrumentation;
import dev.warden.agent.hook.jetty.v12.JettyInstrumentation;
import dev.warden.agent.hook.okhttp.v3_12.OkHttpInstrumentation;
import dev.warden.agent.hook.reactor.netty.v1_0.ReactorNettyInstrumentation;
import dev.warden.agent.hook.vertx.v4_0.VertxWebClientInstrumentation;
import dev.warden.agent.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Every hook Warden installs, and how. Adding a client is adding its instrumentation to {@link
 * #ALL}.
 */
public final class Instrumentations {

  /** The hooks, one per client library. */
  public static final List<HookInstrumentation> ALL =
      List.of(
          new HttpClientInstrumentation(),
          new UrlConnectionInstrumentation(),
          new SocketInstrumentation(),
          new OkHttpInstrumentation(),
          new ApacheInstrumentation(),
          new AsyncClientInstrumentation(),
          new Apache5Instrumentation(),
          new JettyInstrumentation(),
          new VertxWebClientInstrumentation(),
          new ReactorNettyInstrumentation());

  private Instrumentations() {}

  /** The packages of every library hook's adapters. */
  public static List<String> adapterPackages() {
    return ALL.stream()
        .map(HookInstrumentation::adapterPackage)
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /** Weaves every hook into the classes it names, those already loaded included. */
  public static void install(Instrumentation instrumentation) {
    install(instrumentation, ALL);
  }

  /** Weaves these hooks. */
  public static void install(Instrumentation instrumentation, List<HookInstrumentation> hooks) {
    preloadJdkTypes(hooks);
    builder(instrumentation, hooks).installOn(instrumentation);
  }

  /**
   * Weaves every hook, with Byte Buddy set up on a thread of its own ({@link DeferredWeaving}):
   * returns at once, and no hooked class loads unwoven meanwhile. When a hooked class is loaded
   * already (another agent loaded it), weaves on this thread instead, so that it is never used
   * unwoven.
   *
   * @return the weaving thread, or {@code null} when it was done on this thread
   */
  public static Thread installDeferred(Instrumentation instrumentation) {
    return installDeferred(instrumentation, !agentsAfterWarden());
  }

  /**
   * Whether the command line attaches another Java agent after Warden. Its {@code premain} would
   * run while Byte Buddy is set up off the main thread, and agents are not written for that (the
   * OpenTelemetry agent's transformer then meets {@code java.lang.invoke} classes loading for the
   * first time, and fails with a {@code ClassCircularityError}), so Warden weaves before main then.
   * Unknown (no command line to read) counts as yes.
   */
  static boolean agentsAfterWarden() {
    List<String> arguments = ProcessHandle.current().info().arguments().map(List::of).orElse(null);
    if (arguments == null) {
      return true;
    }
    String jar;
    try {
      jar =
          new java.io.File(
                  Instrumentations.class
                      .getProtectionDomain()
                      .getCodeSource()
                      .getLocation()
                      .toURI())
              .getName();
    } catch (Exception | LinkageError e) {
      return true;
    }
    return agentsAfter(arguments, jar);
  }

  /**
   * Whether {@code arguments} attach a Java agent after the one in {@code jar} (a file name), or
   * may: when Warden's is not among them, it was attached some other way.
   */
  static boolean agentsAfter(List<String> arguments, String jar) {
    boolean seenWarden = false;
    for (String argument : arguments) {
      if (!argument.startsWith("-javaagent:")) {
        continue;
      }
      if (seenWarden) {
        return true;
      }
      String path = argument.substring("-javaagent:".length());
      int equals = path.indexOf('=');
      if ((equals < 0 ? path : path.substring(0, equals)).endsWith(jar)) {
        seenWarden = true;
      }
    }
    // Warden not on the command line (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, an @argfile): what
    // follows it is unknown.
    return !seenWarden;
  }

  static Thread installDeferred(Instrumentation instrumentation, boolean deferred) {
    List<HookInstrumentation> hooks = ALL;
    Set<String> names = new HashSet<>();
    hooks.forEach(hook -> names.addAll(hook.typeNames()));
    Set<String> internalNames = new HashSet<>();
    names.forEach(name -> internalNames.add(name.replace('.', '/')));
    DeferredWeaving gate = new DeferredWeaving(internalNames);
    try {
      // Its path for a class it passes runs once before it is registered, so that nothing of it
      // is first linked while the JVM loads a class.
      gate.transform(null, null, "java/lang/Object", null, null, new byte[0]);
    } catch (java.lang.instrument.IllegalClassFormatException impossible) {
      throw new IllegalStateException(impossible);
    }
    // The gate first: from now on no hooked class loads without it.
    instrumentation.addTransformer(gate, true);
    Set<String> before = new HashSet<>();
    for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
      if (names.contains(loaded.getName())) {
        before.add(loaded.getName());
      }
    }
    if (!before.isEmpty() || !deferred) {
      Log.get()
          .debug(
              (before.isEmpty() ? "another agent follows Warden's" : before + " loaded already")
                  + ": the hooks are woven before main");
      gate.weaver(Thread.currentThread());
      preloadJdkTypes(hooks);
      weave(instrumentation, hooks, gate, names, before);
      return null;
    }
    Thread weaver =
        new Thread(() -> weave(instrumentation, hooks, gate, names, before), "warden-weaver");
    weaver.setDaemon(true);
    gate.weaver(weaver);
    weaver.start();
    return weaver;
  }

  private static void weave(
      Instrumentation instrumentation,
      List<HookInstrumentation> hooks,
      DeferredWeaving gate,
      Set<String> names,
      Set<String> unwoven) {
    ClassFileTransformer woven = null;
    try {
      woven = builder(instrumentation, hooks).makeRaw();
    } catch (RuntimeException | LinkageError e) {
      Log.get().error("cannot set up Byte Buddy (" + e + "); no client is guarded by Warden");
    } finally {
      gate.ready(woven);
    }
    if (woven == null) {
      return;
    }
    // What loaded before the gate, or passed it on this thread, is woven now.
    Set<String> late = new HashSet<>(unwoven);
    late.addAll(gate.passedUnwoven());
    List<Class<?>> classes = new ArrayList<>();
    for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
      if (late.contains(loaded.getName())
          && names.contains(loaded.getName())
          && instrumentation.isModifiableClass(loaded)) {
        classes.add(loaded);
      }
    }
    if (classes.isEmpty()) {
      return;
    }
    try {
      instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
    } catch (Exception | LinkageError e) {
      Log.get().error("cannot hook " + classes + " (" + e + "); their requests are not guarded");
    }
  }

  /**
   * Loads (without initializing) the JDK classes the hooks weave, so that they are woven as loaded
   * classes when the hooks install. Otherwise one could first load while Byte Buddy weaves another
   * (java.net.Socket while it reads SocketChannel's methods, on Java 25), when Byte Buddy's
   * circularity lock lets it pass unwoven.
   */
  private static void preloadJdkTypes(List<HookInstrumentation> hooks) {
    for (HookInstrumentation hook : hooks) {
      if (hook.adapterPackage() != null) {
        continue;
      }
      for (String name : hook.typeNames()) {
        try {
          Class.forName(name, false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          Log.get().debug("JDK class " + name + " is not in this JVM: " + e);
        }
      }
    }
  }

  private static AgentBuilder builder(
      Instrumentation instrumentation, List<HookInstrumentation> hooks) {
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
    // Set up as the OpenTelemetry agent sets up Byte Buddy, so that classes no hook names cost next
    // to
    // nothing: an ignore list first, then matchers that read only the name (a lazily resolved type
    // is
    // never parsed for them), type descriptions from a type pool cached per class loader, no
    // validation.
    // Warden's initialization strategy is NoOp (advice is inlined): Byte Buddy's Nexus, which its
    // default strategy would inject into the system class loader at a cost of some 150 ms, is never
    // needed. The property is the relocated copy's (the shading rewrites it), not the
    // application's.
    System.setProperty("net.bytebuddy.nexus.disabled", "true");
    AgentBuilder builder =
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(new CachedTypePools())
            .with(new Listener())
            .ignore(
                nameStartsWith("dev.warden.")
                    .or(nameStartsWith(CallerFinder.unrelocated("net|bytebuddy|")))
                    .or(nameStartsWith(CallerFinder.unrelocated("io|opentelemetry|javaagent|")))
                    .or(nameContains("$$Lambda")))
            .assureReadEdgeTo(instrumentation, Hooks.class);
    for (HookInstrumentation hook : hooks) {
      AgentBuilder.Transformer.ForAdvice advice =
          new AgentBuilder.Transformer.ForAdvice()
              .include(Instrumentations.class.getClassLoader())
              .withExceptionHandler(reportSuppressed);
      builder = builder.type(hook.types()).transform(hook.advice(advice));
    }
    return builder;
  }

  /**
   * A type pool cache per class loader, held weakly (a web application's loader can go away), with
   * soft-referenced entries: what hooking one client class parses (its supertypes, the JDK types in
   * its signatures) is parsed once for the next.
   */
  private static final class CachedTypePools extends AgentBuilder.PoolStrategy.WithTypePoolCache {
    private final Map<ClassLoader, TypePool.CacheProvider> caches =
        Collections.synchronizedMap(new WeakHashMap<>());
    private final TypePool.CacheProvider bootstrap =
        new TypePool.CacheProvider.Simple.UsingSoftReference();

    CachedTypePools() {
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

  /**
   * Reports weaving failures: a hook that cannot be installed leaves its client unguarded, which
   * must be said.
   */
  private static final class Listener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(
        String typeName,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        Throwable throwable) {
      Log.get()
          .error(
              "cannot hook "
                  + typeName
                  + ": "
                  + throwable
                  + "; its requests are not guarded by Warden");
    }

    @Override
    public void onTransformation(
        TypeDescription type,
        ClassLoader loader,
        JavaModule module,
        boolean loaded,
        DynamicType dynamicType) {
      Log.get().debug("hooked " + type.getName());
    }
  }
}
