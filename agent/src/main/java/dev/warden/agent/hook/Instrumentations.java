package dev.warden.agent.hook;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.hook.ahc.v3_0.AhcInstrumentation;
import dev.warden.agent.hook.apache.async.v4_0.AsyncClientInstrumentation;
import dev.warden.agent.hook.apache.v4_2.ApacheInstrumentation;
import dev.warden.agent.hook.apache.v5_0.Apache5Instrumentation;
import dev.warden.agent.hook.jdk.httpclient.HttpClientInstrumentation;
import dev.warden.agent.hook.jdk.socket.SocketInstrumentation;
import dev.warden.agent.hook.jdk.urlconnection.UrlConnectionInstrumentation;
import dev.warden.agent.hook.jetty.v12.JettyInstrumentation;
import dev.warden.agent.hook.micronaut.http.v4_0.MicronautInstrumentation;
import dev.warden.agent.hook.netty.v4_1.NettyInstrumentation;
import dev.warden.agent.hook.okhttp.v3_12.OkHttpInstrumentation;
import dev.warden.agent.hook.reactor.netty.v1_0.ReactorNettyInstrumentation;
import dev.warden.agent.hook.resteasy.reactive.v3.RestEasyReactiveInstrumentation;
import dev.warden.agent.hook.vertx.core.v4_0.VertxCoreInstrumentation;
import dev.warden.agent.hook.vertx.v4_0.VertxWebClientInstrumentation;
import dev.warden.agent.log.Log;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
          new ReactorNettyInstrumentation(),
          new NettyInstrumentation(),
          new VertxCoreInstrumentation(),
          new AhcInstrumentation(),
          new RestEasyReactiveInstrumentation(),
          new MicronautInstrumentation());

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

  /** Weaves these hooks on this thread, those already loaded included. */
  public static void install(Instrumentation instrumentation, List<HookInstrumentation> hooks) {
    installDeferred(instrumentation, hooks, false);
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
    return installDeferred(instrumentation, ALL, deferred);
  }

  private static Thread installDeferred(
      Instrumentation instrumentation, List<HookInstrumentation> hooks, boolean deferred) {
    List<HookCall> calls = new ArrayList<>();
    List<HookInstrumentation> adviceHooks = new ArrayList<>();
    for (HookInstrumentation hook : hooks) {
      if (hook.calls().isEmpty()) {
        adviceHooks.add(hook);
      } else {
        calls.addAll(hook.calls());
      }
    }
    PlainWeaver plain = new PlainWeaver(calls, instrumentation, Hooks.class.getModule());
    Set<String> names = new HashSet<>();
    adviceHooks.forEach(hook -> names.addAll(hook.typeNames()));
    Set<String> internalNames = new HashSet<>();
    names.forEach(name -> internalNames.add(name.replace('.', '/')));
    DeferredWeaving gate = new DeferredWeaving(plain, internalNames);
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
    List<Class<?>> plainBefore = new ArrayList<>();
    for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
      String name = loaded.getName();
      if (names.contains(name)) {
        before.add(name);
      } else if (plain.internalNames().contains(name.replace('.', '/'))
          && instrumentation.isModifiableClass(loaded)) {
        plainBefore.add(loaded);
      }
    }
    if (!plainBefore.isEmpty()) {
      // JDK classes loaded before Warden (by another agent): woven now, which takes no Byte Buddy.
      try {
        instrumentation.retransformClasses(plainBefore.toArray(new Class<?>[0]));
      } catch (Exception | LinkageError e) {
        Log.get()
            .error("cannot hook " + plainBefore + " (" + e + "); their requests are not guarded");
      }
    }
    if (adviceHooks.isEmpty()) {
      gate.ready(null);
      return null;
    }
    if (!before.isEmpty() || !deferred) {
      Log.get()
          .debug(
              (before.isEmpty() ? "another agent follows Warden's" : before + " loaded already")
                  + ": the hooks are woven before main");
      gate.weaver(Thread.currentThread());
      weave(instrumentation, adviceHooks, gate, names, before);
      return null;
    }
    // Byte Buddy is set up on a thread of its own, once needed: at once when a hooked library is
    // on the system class path (its classes will load, and Byte Buddy is then ready before they
    // do), else when a class it weaves first loads (a library in a loader of the application's
    // own, such as a Spring Boot jar's). An application that uses only the JDK's clients never
    // sets it up.
    java.util.concurrent.atomic.AtomicBoolean started =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable setUp =
        () -> {
          if (started.compareAndSet(false, true)) {
            gate.weaver(Thread.currentThread());
            weave(instrumentation, adviceHooks, gate, names, before);
          }
        };
    gate.onWanted(() -> daemon(setUp, "warden-weaver").start());
    Thread weaver =
        daemon(
            () -> {
              if (libraryVisible(names)) {
                setUp.run();
              }
            },
            "warden-weaver");
    weaver.start();
    return weaver;
  }

  /** Whether a class Byte Buddy weaves is on the system class path. */
  private static boolean libraryVisible(Set<String> names) {
    ClassLoader system = ClassLoader.getSystemClassLoader();
    for (String name : names) {
      if (system.getResource(name.replace('.', '/') + ".class") != null) {
        return true;
      }
    }
    return false;
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void weave(
      Instrumentation instrumentation,
      List<HookInstrumentation> hooks,
      DeferredWeaving gate,
      Set<String> names,
      Set<String> unwoven) {
    Weaver woven = null;
    try {
      woven = Weaver.of(hooks, instrumentation);
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
}
