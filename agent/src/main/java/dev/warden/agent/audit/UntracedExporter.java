package dev.warden.agent.audit;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
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

  private final SpanExporter delegate;

  UntracedExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return Untraced.run(() -> delegate.export(spans));
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
