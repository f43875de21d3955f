package dev.warden.testapps.otlp;

import java.util.List;
import java.util.Map;

/**
 * One data point of a metric the OTLP receiver decoded.
 *
 * @param service the resource's {@code service.name}
 * @param scope the instrumentation scope's name
 * @param name the metric's name
 * @param unit its unit
 * @param type {@code SUM}, {@code GAUGE} or {@code HISTOGRAM}
 * @param attributes the point's attributes: String, Long, Double or Boolean
 * @param value a sum's or gauge's value (a histogram's count)
 * @param sum a histogram's sum
 * @param bounds a histogram's explicit bucket boundaries
 * @param counts a histogram's bucket counts
 */
public record ReceivedPoint(
    String service,
    String scope,
    String name,
    String unit,
    String type,
    Map<String, Object> attributes,
    double value,
    double sum,
    List<Double> bounds,
    List<Long> counts) {

  /** An attribute's value, or {@code null}. */
  public Object attribute(String key) {
    return attributes.get(key);
  }
}
