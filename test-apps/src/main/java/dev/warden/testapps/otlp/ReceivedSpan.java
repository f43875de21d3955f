package dev.warden.testapps.otlp;

import java.util.List;
import java.util.Map;

/**
 * A span the OTLP receiver decoded.
 *
 * @param service the resource's {@code service.name}
 * @param scope the instrumentation scope's name
 * @param name the span name
 * @param kind {@code SPAN_KIND_CLIENT}, ...
 * @param traceId hex
 * @param spanId hex
 * @param parentSpanId hex, or {@code null} for a root span
 * @param attributes attributes: String, Long, Double, Boolean or List
 * @param events event names with their attributes
 * @param status {@code STATUS_CODE_ERROR}, ...
 */
public record ReceivedSpan(
    String service,
    String scope,
    String name,
    String kind,
    String traceId,
    String spanId,
    String parentSpanId,
    Map<String, Object> attributes,
    List<Event> events,
    String status) {

  /** An event of a span. */
  public record Event(String name, Map<String, Object> attributes) {}

  /** An attribute's value, or {@code null}. */
  public Object attribute(String key) {
    return attributes.get(key);
  }
}
