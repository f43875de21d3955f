package dev.warden.agent.launcher;

import dev.warden.agent.bootstrap.Settings;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * The agent jar's entry points: {@code premain} for {@code -javaagent}, and {@code main} for the
 * command-line tool. Kept tiny and dependency-free: it puts the bootstrap-visible part of Warden on
 * the bootstrap class path and starts the rest in its own class loader.
 */
public final class WardenAgent {

  private static final String INSTALLER = "dev.warden.agent.AgentInstaller";
  private static final String CLI = "dev.warden.agent.cli.Cli";

  private WardenAgent() {}

  /** {@code -javaagent:warden-agent.jar=policy=/path/policy.yaml}. */
  public static void premain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation);
  }

  /** Attaching to a running JVM works the same way, for classes it loads from then on. */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation);
  }

  private static void start(String arguments, Instrumentation instrumentation) {
    try {
      if (!Settings.of(arguments).enabled()) {
        return;
      }
      URL location = WardenAgent.class.getProtectionDomain().getCodeSource().getLocation();
      JarFile jar = new JarFile(new File(location.toURI()), false);
      // Made before the jar joins the bootstrap search, so that AgentClassLoader resolves to this
      // loader's
      // copy (beside this class) and not to the bootstrap's, whenever the JVM happens to resolve
      // it.
      ClassLoader loader =
          new AgentClassLoader(jar, location, ClassLoader.getPlatformClassLoader());
      instrumentation.appendToBootstrapClassLoaderSearch(jar);
      Class.forName(INSTALLER, true, loader)
          .getMethod("install", String.class, Instrumentation.class)
          .invoke(null, arguments, instrumentation);
    } catch (Throwable t) {
      Throwable cause =
          t instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : t;
      // Warden must never stop the application from starting.
      System.err.println(
          "[warden] error: Warden could not start and does nothing in this JVM: " + cause);
    }
  }

  /** {@code java -jar warden-agent.jar check|explain|--help|--version}. */
  public static void main(String[] args) {
    int status;
    try {
      URL location = WardenAgent.class.getProtectionDomain().getCodeSource().getLocation();
      // The parent is the loader of the jar itself (java -jar), which sees the bootstrap-visible
      // part at the jar's root, as the bootstrap class path does for the agent.
      ClassLoader loader =
          new AgentClassLoader(
              new JarFile(new File(location.toURI()), false),
              location,
              WardenAgent.class.getClassLoader());
      Object result =
          Class.forName(CLI, true, loader)
              .getMethod("run", String[].class)
              .invoke(null, (Object) args);
      status = (Integer) result;
    } catch (Throwable t) {
      Throwable cause =
          t instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : t;
      System.err.println("warden: internal error: " + cause);
      status = 1;
    }
    System.exit(status);
  }
}
