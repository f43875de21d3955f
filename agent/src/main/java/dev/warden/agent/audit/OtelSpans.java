package dev.warden.agent.audit;

import dev.warden.agent.bootstrap.Settings;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Warden's own OpenTelemetry SDK, which turns audit records into spans. Configured by {@code
 * warden.otel.*} / {@code WARDEN_OTEL_*} first, then the standard {@code otel.*} / {@code OTEL_*};
 * it exports traces only, over OTLP {@code http/protobuf} unless told otherwise, and its sampler is
 * always on: an audit record is never sampled away. It is never registered as the global SDK, so
 * the application's own OpenTelemetry (or the OpenTelemetry agent) is untouched.
 */
public final class OtelSpans {

  private static final TextMapGetter<Map<String, String>> GETTER =
      (carrier, key) -> carrier == null ? null : carrier.get(key);

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;

  OtelSpans(OpenTelemetrySdk sdk, String version) {
    this.sdk = sdk;
    this.tracer = sdk.getTracer("dev.warden.audit", version);
  }

  /**
   * Builds the SDK from the settings and the environment; slow (class loading), so called off the
   * start-up path.
   */
  public static OtelSpans create(Settings settings, String version) {
    Map<String, String> overrides = settings.otelOverrides();
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .setServiceClassLoader(OtelSpans.class.getClassLoader())
            .disableShutdownHook()
            .addSpanExporterCustomizer((exporter, config) -> new UntracedExporter(exporter))
            .addPropertiesSupplier(OtelSpans::defaults)
            .addPropertiesCustomizer(
                config -> {
                  Map<String, String> forced = new HashMap<>(overrides);
                  forced.put("otel.traces.sampler", "always_on");
                  forced.put("otel.metrics.exporter", "none");
                  forced.put("otel.logs.exporter", "none");
                  return forced;
                })
            .build()
            .getOpenTelemetrySdk();
    return new OtelSpans(sdk, version);
  }

  private static Map<String, String> defaults() {
    return Map.of(
        "otel.traces.exporter", "otlp",
        "otel.exporter.otlp.protocol", "http/protobuf",
        "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none");
  }

  /**
   * Records one span; returns its trace id, span id and parent span id (hex; the last {@code null}
   * for a root span).
   */
  public String[] emit(AuditRecord record) {
    SpanBuilder builder =
        tracer
            .spanBuilder(record.name())
            .setSpanKind(SpanKind.CLIENT)
            .setStartTimestamp(record.startEpochNanos(), TimeUnit.NANOSECONDS);
    SpanContext parent = SpanContext.getInvalid();
    if (record.traceparent() != null) {
      Context context =
          W3CTraceContextPropagator.getInstance()
              .extract(Context.root(), Map.of("traceparent", record.traceparent()), GETTER);
      parent = Span.fromContext(context).getSpanContext();
      builder.setParent(context);
    } else {
      builder.setNoParent();
    }
    builder.setAllAttributes(attributes(record.attributes()));
    Span span = builder.startSpan();
    for (AuditRecord.Event event : record.events()) {
      span.addEvent(
          event.name(), attributes(event.attributes()), event.epochNanos(), TimeUnit.NANOSECONDS);
    }
    if (record.attribute(AuditAttributes.ERROR_TYPE) != null) {
      span.setStatus(StatusCode.ERROR);
    }
    span.end(record.endEpochNanos(), TimeUnit.NANOSECONDS);
    SpanContext context = span.getSpanContext();
    return new String[] {
      context.getTraceId(), context.getSpanId(), parent.isValid() ? parent.getSpanId() : null
    };
  }

  static Attributes attributes(Map<String, Object> values) {
    AttributesBuilder builder = Attributes.builder();
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      Object value = entry.getValue();
      if (value instanceof Long l) {
        builder.put(entry.getKey(), l);
      } else if (value instanceof Integer i) {
        builder.put(entry.getKey(), (long) i);
      } else if (value instanceof Boolean b) {
        builder.put(entry.getKey(), b);
      } else if (value instanceof List<?> list) {
        builder.put(
            io.opentelemetry.api.common.AttributeKey.stringArrayKey(entry.getKey()),
            list.stream().map(String::valueOf).toList());
      } else if (value != null) {
        builder.put(entry.getKey(), value.toString());
      }
    }
    return builder.build();
  }

  /** Exports what is pending and stops, waiting up to {@code seconds}. */
  public void close(int seconds) {
    sdk.shutdown().join(seconds, TimeUnit.SECONDS);
  }
}
