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
    // Straight into the span's own attribute map: an Attributes first would be a sorted copy more.
    put(
        record.attributes(),
        new Setter() {
          @Override
          public <T> void set(AttributeKey<T> key, T value) {
            builder.setAttribute(key, value);
          }
        });
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
    put(
        values,
        new Setter() {
          @Override
          public <T> void set(AttributeKey<T> key, T value) {
            builder.put(key, value);
          }
        });
    return builder.build();
  }

  /** Where {@link #put} writes: a span builder or an attributes builder. */
  private interface Setter {
    <T> void set(AttributeKey<T> key, T value);
  }

  private static void put(Map<String, Object> values, Setter setter) {
    values.forEach(
        (name, value) -> {
          if (value instanceof Long l) {
            setter.set(Keys.of(name, Keys.LONG), l);
          } else if (value instanceof Integer i) {
            setter.set(Keys.of(name, Keys.LONG), (long) i);
          } else if (value instanceof Boolean b) {
            setter.set(Keys.of(name, Keys.BOOLEAN), b);
          } else if (value instanceof List<?> list) {
            setter.set(Keys.of(name, Keys.STRINGS), list.stream().map(String::valueOf).toList());
          } else if (value != null) {
            setter.set(Keys.of(name, Keys.STRING), value.toString());
          }
        });
  }

  /**
   * Attribute keys made once per name and type: the names are the contract's few, and every span
   * would otherwise make its own.
   */
  private static final class Keys {
    /** One type of key, and those made so far by name. */
    record Type<T>(
        Function<String, AttributeKey<T>> make, ConcurrentHashMap<String, AttributeKey<T>> made) {
      Type(Function<String, AttributeKey<T>> make) {
        this(make, new ConcurrentHashMap<>());
      }
    }

    static final Type<String> STRING = new Type<>(AttributeKey::stringKey);
    static final Type<Long> LONG = new Type<>(AttributeKey::longKey);
    static final Type<Boolean> BOOLEAN = new Type<>(AttributeKey::booleanKey);
    static final Type<List<String>> STRINGS = new Type<>(AttributeKey::stringArrayKey);

    private static final int MAX = 512;

    static <T> AttributeKey<T> of(String name, Type<T> type) {
      AttributeKey<T> key = type.made.get(name);
      if (key == null) {
        key = type.make.apply(name);
        if (type.made.size() < MAX) {
          type.made.put(name, key);
        }
      }
      return key;
    }
  }

  /** Exports what is pending and stops, waiting up to {@code seconds}. */
  public void close(int seconds) {
    sdk.shutdown().join(seconds, TimeUnit.SECONDS);
  }
}
