package dev.warden.testapps.probe;

import java.lang.reflect.Method;

/**
 * A test-only agent attached beside Warden to every application JVM the end-to-end tests start: at
 * the JVM's exit it prints how many errors Warden's advice suppressed ({@code
 * Hooks.suppressedCount()}), as {@value #PREFIX}{@code N} on standard error, so that the tests can
 * assert that no hook threw. Warden's bootstrap classes are read reflectively: they are on the
 * bootstrap class path only when Warden started.
 */
public final class SuppressedProbe {

  /** What the line printed at exit starts with. */
  public static final String PREFIX = "[warden-test] suppressed ";

  private SuppressedProbe() {}

  /** The agent's entry point: registers the report. */
  public static void premain(String arguments) {
    Runtime.getRuntime().addShutdownHook(new Thread(SuppressedProbe::report, "warden-test-probe"));
  }

  private static void report() {
    try {
      Class<?> hooks = Class.forName("dev.warden.agent.bootstrap.Hooks", false, null);
      Method count = hooks.getMethod("suppressedCount");
      System.err.println(PREFIX + count.invoke(null));
    } catch (ClassNotFoundException e) {
      // Warden did not start (disabled, or no policy): nothing to count.
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println(PREFIX + "unknown (" + e + ")");
    }
  }
}
