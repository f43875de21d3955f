package dev.warden.agent.audit;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.reflect.Method;
import java.util.Collection;

/**
 * Warden's span exporter, made invisible to the OpenTelemetry Java agent when one runs in the same
 * JVM: otherwise the agent would trace each of Warden's exports as a client call of the application
 * (its HTTP client instrumentation sees the JDK client Warden exports through) and send those spans
 * too. The export runs inside the agent's own "suppress instrumentation" context, the one the
 * agent's exporters use; the agent carries it to the exporter's threads. Without the agent, a plain
 * delegate.
 */
final class UntracedExporter implements SpanExporter {

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

  private final SpanExporter delegate;
  private volatile Method suppress;
  private volatile boolean looked;

  UntracedExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    Method method = suppressMethod();
    if (method == null) {
      return delegate.export(spans);
    }
    CompletableResultCode[] result = new CompletableResultCode[1];
    try {
      method.invoke(null, (Runnable) () -> result[0] = delegate.export(spans));
    } catch (ReflectiveOperationException | RuntimeException e) {
      result[0] = null;
    }
    return result[0] != null ? result[0] : delegate.export(spans);
  }

  /** Looked up at the first export, after every agent's premain has run. */
  private Method suppressMethod() {
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

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
