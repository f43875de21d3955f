package dev.warden.agent.audit;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;

/** Warden's metric exporter, never traced by the OpenTelemetry Java agent ({@link Untraced}). */
final class UntracedMetricExporter implements MetricExporter {

  private final MetricExporter delegate;

  UntracedMetricExporter(MetricExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType type) {
    return delegate.getAggregationTemporality(type);
  }

  @Override
  public io.opentelemetry.sdk.metrics.Aggregation getDefaultAggregation(InstrumentType type) {
    return delegate.getDefaultAggregation(type);
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    return Untraced.run(() -> delegate.export(metrics));
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
