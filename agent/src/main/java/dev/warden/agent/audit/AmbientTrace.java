package dev.warden.agent.audit;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;

/**
 * The application's current span, read on the calling thread, so that Warden's audit span joins the
 * application's trace even when the request carries no {@code traceparent} (or carries it only
 * later, when the client writes it). The OpenTelemetry Java agent's context is read first, then the
 * OpenTelemetry API the application itself runs on (found through the thread's context class
 * loader). Reflection only: Warden never links against either, and a failure only means no parent.
 */
public final class AmbientTrace {

  // Assembled at run time: the shade plugin would otherwise relocate these names with Warden's own
  // copy.
  private static final String API = String.join(".", "io", "opentelemetry", "api", "trace", "Span");
  private static final String AGENT_API =
      String.join(".", "io", "opentelemetry", "javaagent", "shaded", API);

  private static volatile Accessor agent;
  private static volatile LoaderEntry last = new LoaderEntry(null, Accessor.NONE);

  private AmbientTrace() {}

  /**
   * The current span of the application as a W3C {@code traceparent}, or {@code null} when it has
   * none.
   */
  public static String traceparent() {
    try {
      Accessor fromAgent = agent;
      if (fromAgent == null) {
        // Looked up at the first Jira request, after every agent's premain has run.
        agent = fromAgent = Accessor.of(AGENT_API, null);
      }
      String parent = fromAgent.traceparent();
      if (parent != null || fromAgent != Accessor.NONE) {
        return parent;
      }
      return application().traceparent();
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  private static Accessor application() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      return Accessor.NONE;
    }
    LoaderEntry entry = last;
    if (entry.loader.get() != loader) {
      entry = new LoaderEntry(loader, Accessor.of(API, loader));
      last = entry;
    }
    return entry.accessor;
  }

  private static final class LoaderEntry {
    final WeakReference<ClassLoader> loader;
    final Accessor accessor;

    LoaderEntry(ClassLoader loader, Accessor accessor) {
      this.loader = new WeakReference<>(loader);
      this.accessor = accessor;
    }
  }

  /** {@code Span.current().getSpanContext()} of one copy of the OpenTelemetry API. */
  private static final class Accessor {
    static final Accessor NONE = new Accessor(null, null, null, null, null, null);

    private final Method current;
    private final Method spanContext;
    private final Method isValid;
    private final Method traceId;
    private final Method spanId;
    private final Method isSampled;

    private Accessor(
        Method current,
        Method spanContext,
        Method isValid,
        Method traceId,
        Method spanId,
        Method isSampled) {
      this.current = current;
      this.spanContext = spanContext;
      this.isValid = isValid;
      this.traceId = traceId;
      this.spanId = spanId;
      this.isSampled = isSampled;
    }

    static Accessor of(String spanClass, ClassLoader loader) {
      try {
        Class<?> span = Class.forName(spanClass, false, loader);
        Method spanContext = span.getMethod("getSpanContext");
        Class<?> context = spanContext.getReturnType();
        return new Accessor(
            callable(span.getMethod("current")),
            callable(spanContext),
            callable(context.getMethod("isValid")),
            callable(context.getMethod("getTraceId")),
            callable(context.getMethod("getSpanId")),
            callable(context.getMethod("isSampled")));
      } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
        return NONE;
      }
    }

    /**
     * A public method made accessible, so that calls skip the access check that otherwise finds the
     * caller's class on every call (a stack walk). It stays as callable if the module refuses.
     */
    private static Method callable(Method method) {
      try {
        method.setAccessible(true);
      } catch (RuntimeException refused) {
        // InaccessibleObjectException or SecurityException: still public, only slower to call.
      }
      return method;
    }

    String traceparent() {
      if (current == null) {
        return null;
      }
      try {
        Object context = spanContext.invoke(current.invoke(null));
        if (!(Boolean) isValid.invoke(context)) {
          return null;
        }
        return "00-"
            + traceId.invoke(context)
            + "-"
            + spanId.invoke(context)
            + "-"
            + ((Boolean) isSampled.invoke(context) ? "01" : "00");
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }
}
