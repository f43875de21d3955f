package dev.warden.agent.audit;

import dev.warden.agent.bootstrap.Settings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
      parent = remoteParent(record.traceparent());
      builder.setParent(Context.root().with(Span.wrap(parent)));
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

  /**
   * The application's span a {@code traceparent} names: version 00 read directly (the common case),
   * anything else through the W3C propagator, which knows the rules for later versions.
   */
  static SpanContext remoteParent(String traceparent) {
    if (traceparent.length() == 55
        && traceparent.startsWith("00-")
        && traceparent.charAt(35) == '-'
        && traceparent.charAt(52) == '-'
        && isLowerHex(traceparent.charAt(53))
        && isLowerHex(traceparent.charAt(54))) {
      SpanContext context =
          SpanContext.createFromRemoteParent(
              traceparent.substring(3, 35),
              traceparent.substring(36, 52),
              TraceFlags.fromHex(traceparent, 53),
              TraceState.getDefault());
      if (context.isValid()) {
        return context;
      }
    }
    Context context =
        W3CTraceContextPropagator.getInstance()
            .extract(Context.root(), Map.of("traceparent", traceparent), GETTER);
    return Span.fromContext(context).getSpanContext();
  }

  private static boolean isLowerHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  static Attributes attributes(Map<String, Object> values) {
    AttributesBuilder builder = Attributes.builder();
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      Object value = entry.getValue();
      String name = entry.getKey();
      if (value instanceof Long l) {
        builder.put(Keys.of(name, Keys.LONG), l);
      } else if (value instanceof Integer i) {
        builder.put(Keys.of(name, Keys.LONG), (long) i);
      } else if (value instanceof Boolean b) {
        builder.put(Keys.of(name, Keys.BOOLEAN), b);
      } else if (value instanceof List<?> list) {
        builder.put(Keys.of(name, Keys.STRINGS), list.stream().map(String::valueOf).toList());
      } else if (value != null) {
        builder.put(Keys.of(name, Keys.STRING), value.toString());
      }
    }
    return builder.build();
  }

  /**
   * Attribute keys made once per name and type: the names are the contract's few, and every span
   * would otherwise make its own.
   */
  private static final class Keys {
    static final Function<String, AttributeKey<String>> STRING = AttributeKey::stringKey;
    static final Function<String, AttributeKey<Long>> LONG = AttributeKey::longKey;
    static final Function<String, AttributeKey<Boolean>> BOOLEAN = AttributeKey::booleanKey;
    static final Function<String, AttributeKey<List<String>>> STRINGS =
        AttributeKey::stringArrayKey;

    private static final int MAX = 512;
    private static final ConcurrentHashMap<Function<String, ?>, ConcurrentHashMap<String, Object>>
        BY_TYPE = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    static <T> AttributeKey<T> of(String name, Function<String, AttributeKey<T>> make) {
      ConcurrentHashMap<String, Object> keys =
          BY_TYPE.computeIfAbsent(make, k -> new ConcurrentHashMap<>());
      Object key = keys.get(name);
      if (key == null) {
        key = make.apply(name);
        if (keys.size() < MAX) {
          keys.put(name, key);
        }
      }
      return (AttributeKey<T>) key;
    }
  }

  /** Exports what is pending and stops, waiting up to {@code seconds}. */
  public void close(int seconds) {
    sdk.shutdown().join(seconds, TimeUnit.SECONDS);
  }
}
