package dev.warden.agent.hook;

import dev.warden.agent.bootstrap.Hooks;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * Warden's library hooks installed in the test JVM itself, for in-JVM agent tests: the classes the
 * hooks weave are on the test class path, beside Warden's, so no bootstrap jar is needed (the JDK
 * hooks, whose advice lives in JDK classes, are tested end to end instead).
 */
public final class InJvmAgent {

  private static boolean installed;

  private InJvmAgent() {}

  /**
   * Installs the library hooks once; a test sets {@link HookSupport#install} to its own gateway.
   */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    Instrumentation instrumentation = ByteBuddyAgent.install();
    Hooks.adapters =
        new HookAdapters(InJvmAgent.class.getClassLoader(), Instrumentations.adapterPackages());
    Hooks.asyncCalls = HookSupport.asyncCalls();
    Instrumentations.install(
        instrumentation,
        Instrumentations.ALL.stream().filter(h -> h.adapterPackage() != null).toList());
    installed = true;
  }

  static List<HookInstrumentation> libraryHooks() {
    return Instrumentations.ALL.stream().filter(h -> h.adapterPackage() != null).toList();
  }
}
