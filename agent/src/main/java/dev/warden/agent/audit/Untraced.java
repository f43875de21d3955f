package dev.warden.agent.audit;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Runs an export of Warden's inside the OpenTelemetry Java agent's "suppress instrumentation"
 * context when that agent runs in the same JVM (the one the agent's own exporters use, carried to
 * the exporter's threads), so the agent never traces it as a call of the application; without the
 * agent, directly.
 */
final class Untraced {

  // Assembled at run time: the shade plugin would otherwise relocate the name with Warden's own
  // copy.
  private static final String AGENT_UTIL =
      String.join(
          ".",
          "io",
          "opentelemetry",
          "javaagent",
          "shaded",
          "io",
          "opentelemetry",
          "api",
          "internal",
          "InstrumentationUtil");

  private static volatile Method suppress;
  private static volatile boolean looked;

  private Untraced() {}

  static CompletableResultCode run(Supplier<CompletableResultCode> export) {
    Method method = suppressMethod();
    if (method == null) {
      return export.get();
    }
    CompletableResultCode[] result = new CompletableResultCode[1];
    try {
      method.invoke(null, (Runnable) () -> result[0] = export.get());
    } catch (java.lang.reflect.InvocationTargetException e) {
      // The export itself failed: not run again.
      return CompletableResultCode.ofFailure();
    } catch (ReflectiveOperationException | RuntimeException e) {
      result[0] = null;
    }
    return result[0] != null ? result[0] : export.get();
  }

  /**
   * The task, run inside the agent's suppression context when the agent is there: a task a server
   * thread of Warden's runs (its scrape endpoint) is then never traced as the application's.
   */
  static Runnable wrap(Runnable task) {
    return () -> {
      Method method = suppressMethod();
      if (method == null) {
        task.run();
        return;
      }
      try {
        method.invoke(null, task);
      } catch (java.lang.reflect.InvocationTargetException e) {
        // The task ran and threw: its own failure, not run again.
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
      } catch (ReflectiveOperationException e) {
        task.run();
      }
    };
  }

  /** Looked up at the first export, after every agent's premain has run. */
  private static Method suppressMethod() {
    if (!looked) {
      try {
        suppress =
            Class.forName(AGENT_UTIL, false, null)
                .getMethod("suppressInstrumentation", Runnable.class);
      } catch (ReflectiveOperationException | LinkageError e) {
        suppress = null;
      }
      looked = true;
    }
    return suppress;
  }
}
