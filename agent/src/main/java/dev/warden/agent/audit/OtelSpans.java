package dev.warden.agent.audit;

import dev.warden.agent.bootstrap.Settings;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Warden's own OpenTelemetry SDK, which turns audit records into spans. Configured by {@code
 * warden.otel.*} / {@code WARDEN_OTEL_*} first, then the standard {@code otel.*} / {@code OTEL_*};
 * it exports traces only, over OTLP {@code http/protobuf} unless told otherwise. Every audit record
 * becomes a sampled span: none is sampled away, whatever a sampler setting or the application's
 * {@code traceparent} flags say. It is never registered as the global SDK, so the application's own
 * OpenTelemetry (or the OpenTelemetry agent) is untouched.
 */
public final class OtelSpans {

  static final String SCOPE = "dev.warden.audit";

  private static final TextMapGetter<Map<String, String>> GETTER =
      (carrier, key) -> carrier == null ? null : carrier.get(key);

  private final OpenTelemetrySdk sdk;
  private volatile SdkMeterProvider ownMeters;
  private final AuditSpan.Origin origin;
  private final SpanBatches batches;
  private final IdGenerator ids = IdGenerator.random();

  /**
   * @param exporter where the spans go, or {@code null} to make only their ids (for the audit file)
   * @param wake wakes the audit thread when an export completes
   * @param sdk shut down with this, or {@code null}
   */
  OtelSpans(
      SpanExporter exporter,
      Resource resource,
      SpanBatches.Settings batching,
      String version,
      Runnable wake,
      OpenTelemetrySdk sdk,
      AuditLosses losses) {
    this.sdk = sdk;
    this.origin = AuditSpan.Origin.of(resource, SCOPE, version);
    this.batches = exporter == null ? null : new SpanBatches(exporter, batching, wake, losses);
  }

  /**
   * Builds the SDK from the settings and the environment; slow (class loading), so called off the
   * start-up path, on the audit thread.
   *
   * <p>The SDK configures the resource and the exporters as it would for anyone ({@code
   * otel.traces.exporter}, {@code otel.exporter.*}, {@code otel.resource.*}, service providers),
   * but its span pipeline is not used: an audit record is finished before its span starts, so the
   * audit thread builds the exported form directly and batches it by the SDK's own {@code
   * otel.bsp.*} settings ({@link SpanBatches}).
   *
   * @param wake wakes the audit thread when an export completes
   * @param losses counts the spans lost
   */
  public static OtelSpans create(
      Settings settings, String version, Runnable wake, AuditLosses losses) {
    return create(settings, version, wake, losses, meter -> {});
  }

  /**
   * As {@link #create(Settings, String, Runnable, AuditLosses)}, and Warden's metrics: {@code
   * metrics} is given the meter to make its instruments with, unless metrics are off.
   */
  public static OtelSpans create(
      Settings settings,
      String version,
      Runnable wake,
      AuditLosses losses,
      Consumer<Meter> metrics) {
    Map<String, String> overrides = settings.otelOverrides();
    List<SpanExporter> exporters = new ArrayList<>();
    Resource[] resource = {Resource.getDefault()};
    SpanBatches.Settings[] batching = {SpanBatches.Settings.DEFAULT};
    MetricsExporter[] chosen = {MetricsExporter.NONE};
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .setServiceClassLoader(OtelSpans.class.getClassLoader())
            .disableShutdownHook()
            .addResourceCustomizer(
                (configured, config) -> {
                  resource[0] = configured;
                  return configured;
                })
            .addSpanExporterCustomizer(
                (exporter, config) -> {
                  exporters.add(new UntracedExporter(exporter));
                  batching[0] = batching(config);
                  // The SDK's processor gets nothing to do (it is stopped below).
                  return SpanExporter.composite();
                })
            .addSpanProcessorCustomizer(
                (processor, config) -> {
                  processor.shutdown();
                  return SpanProcessor.composite();
                })
            .addMetricExporterCustomizer((exporter, config) -> new UntracedMetricExporter(exporter))
            .addPropertiesSupplier(OtelSpans::defaults)
            .addPropertiesCustomizer(
                config -> {
                  Map<String, String> forced = new HashMap<>(overrides);
                  forced.put("otel.traces.sampler", "always_on");
                  chosen[0] =
                      MetricsExporter.choose(
                          overrides.get("otel.metrics.exporter"),
                          config.getString("otel.metrics.exporter"));
                  forced.put(
                      "otel.metrics.exporter", chosen[0] == MetricsExporter.OTLP ? "otlp" : "none");
                  forced.put("otel.logs.exporter", "none");
                  return forced;
                })
            .build()
            .getOpenTelemetrySdk();
    SpanExporter exporter =
        switch (exporters.size()) {
          case 0 -> null;
          case 1 -> exporters.get(0);
          default -> SpanExporter.composite(exporters);
        };
    OtelSpans spans = new OtelSpans(exporter, resource[0], batching[0], version, wake, sdk, losses);
    SdkMeterProvider meters =
        switch (chosen[0]) {
          case OTLP -> sdk.getSdkMeterProvider();
          case PROMETHEUS -> spans.ownMeters = PrometheusMeters.start(overrides, resource[0]);
          case NONE -> null;
        };
    if (meters != null) {
      metrics.accept(meters.meterBuilder("dev.warden").setInstrumentationVersion(version).build());
    }
    return spans;
  }

  /** The batch span processor's settings, with its defaults. */
  private static SpanBatches.Settings batching(ConfigProperties config) {
    SpanBatches.Settings defaults = SpanBatches.Settings.DEFAULT;
    return SpanBatches.Settings.of(
        config.getInt("otel.bsp.max.export.batch.size", defaults.maxBatch()),
        config.getInt("otel.bsp.max.queue.size", defaults.maxQueue()),
        config.getDuration("otel.bsp.schedule.delay", Duration.ofNanos(defaults.delayNanos())),
        config.getDuration("otel.bsp.export.timeout", Duration.ofNanos(defaults.timeoutNanos())));
  }

  private static Map<String, String> defaults() {
    return Map.of(
        "otel.traces.exporter", "otlp",
        "otel.exporter.otlp.protocol", "http/protobuf",
        "otel.logs.exporter", "none");
  }

  /**
   * Makes the record's span and queues it for export; returns its trace id, span id and parent span
   * id (hex; the last {@code null} for a root span). Audit thread only.
   */
  public String[] emit(AuditRecord record, long now) {
    SpanContext parent =
        record.traceparent() != null ? remoteParent(record.traceparent()) : INVALID;
    String traceId = parent.isValid() ? parent.getTraceId() : ids.generateTraceId();
    String spanId = ids.generateSpanId();
    if (batches != null) {
      SpanContext context =
          SpanContext.create(
              traceId,
              spanId,
              TraceFlags.getSampled(),
              parent.isValid() ? parent.getTraceState() : TraceState.getDefault());
      List<EventData> events = List.of();
      if (!record.events().isEmpty()) {
        EventData[] made = new EventData[record.events().size()];
        int i = 0;
        for (AuditRecord.Event event : record.events()) {
          made[i++] =
              EventData.create(
                  event.epochNanos(), event.name(), RecordAttributes.of(event.attributes()));
        }
        events = List.of(made);
      }
      batches.add(
          new AuditSpan(
              origin,
              record.name(),
              context,
              parent,
              record.attribute(AuditAttributes.ERROR_TYPE) != null
                  ? StatusData.error()
                  : StatusData.unset(),
              record.startEpochNanos(),
              record.endEpochNanos(),
              RecordAttributes.of(record.attributes()),
              events),
          now);
    }
    return new String[] {traceId, spanId, parent.isValid() ? parent.getSpanId() : null};
  }

  private static final SpanContext INVALID = SpanContext.getInvalid();

  /**
   * Sends a batch of spans when one is due.
   *
   * @return nanoseconds until this should be called again, {@link Long#MAX_VALUE} when no span
   *     waits
   */
  public long service(long now) {
    return batches == null ? Long.MAX_VALUE : batches.service(now);
  }

  /**
   * Exports every span made so far, waiting until {@code deadline} ({@link System#nanoTime()}) at
   * most; audit thread only.
   *
   * @return whether all were exported in time
   */
  public boolean flush(long deadline) {
    return batches == null || batches.flush(deadline);
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

  /** Spans dropped so far because the tracing backend fell behind. */
  long droppedSpans() {
    return batches == null ? 0 : batches.dropped();
  }

  /** Stops the exporter and the SDK, waiting until {@code deadline} at most. */
  public void shutdown(long deadline) {
    if (batches != null) {
      batches.shutdown(deadline);
    }
    // The SDK's shutdown exports the last metrics in the calling thread, retrying for seconds
    // when the backend is down: it runs on a daemon thread of its own, waited for until the
    // deadline only, so the JVM's exit never waits longer.
    SdkMeterProvider own = ownMeters;
    Thread closing =
        new Thread(
            () -> {
              if (sdk != null) {
                sdk.shutdown().join(10, TimeUnit.SECONDS);
              }
              if (own != null) {
                own.shutdown().join(10, TimeUnit.SECONDS);
              }
            },
            "warden-otel-shutdown");
    closing.setDaemon(true);
    closing.start();
    try {
      closing.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
