package dev.warden.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.Test;

/**
 * Reads the application's current span (here: this test's OpenTelemetry API, found through the
 * context class loader).
 */
class AmbientTraceTest {

  private static SdkTracerProvider tracing(Sampler sampler) {
    return SdkTracerProvider.builder()
        .setSampler(sampler)
        .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create()))
        .build();
  }

  @Test
  void noCurrentSpanMeansNoParent() {
    assertThat(AmbientTrace.traceparent()).isNull();
  }

  @Test
  void theApplicationsCurrentSpanIsTheParent() {
    try (SdkTracerProvider provider = tracing(Sampler.alwaysOn())) {
      Span span = provider.get("app").spanBuilder("work").startSpan();
      try (Scope scope = span.makeCurrent()) {
        SpanContext context = span.getSpanContext();
        assertThat(AmbientTrace.traceparent())
            .isEqualTo("00-" + context.getTraceId() + "-" + context.getSpanId() + "-01");
      } finally {
        span.end();
      }
      assertThat(AmbientTrace.traceparent()).isNull();
    }
  }

  @Test
  void anUnsampledSpanIsStillTheParentWithItsFlag() {
    try (SdkTracerProvider provider = tracing(Sampler.alwaysOff())) {
      Span span = provider.get("app").spanBuilder("work").startSpan();
      try (Scope scope = span.makeCurrent()) {
        assertThat(AmbientTrace.traceparent())
            .endsWith("-00")
            .contains(span.getSpanContext().getTraceId());
      }
    }
  }

  @Test
  void aThreadWithoutTheApiHasNoParent() throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(new ClassLoader(null) {});
    try {
      assertThat(AmbientTrace.traceparent()).isNull();
    } finally {
      thread.setContextClassLoader(before);
    }
  }
}
