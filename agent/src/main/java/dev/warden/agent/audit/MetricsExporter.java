package dev.warden.agent.audit;

import dev.warden.agent.log.Log;
import java.util.Locale;

/** Where Warden's metrics go (CONTRACT section 1). */
enum MetricsExporter {
  OTLP,
  PROMETHEUS,
  NONE;

  /**
   * The exporter Warden's settings ask for ({@code warden.otel.metrics.exporter}, {@code
   * WARDEN_OTEL_METRICS_EXPORTER}) or, failing them, the standard setting: {@code otlp} by default.
   * A standard {@code prometheus}, meant for the application or the OpenTelemetry Java agent, turns
   * Warden's metrics off rather than competing for the port.
   *
   * @param warden Warden's own setting, or {@code null}
   * @param standard {@code otel.metrics.exporter} / {@code OTEL_METRICS_EXPORTER}, or {@code null}
   */
  static MetricsExporter choose(String warden, String standard) {
    if (warden != null && !warden.isBlank()) {
      MetricsExporter named = named(warden);
      if (named == null) {
        Log.get()
            .error(
                "WARDEN_OTEL_METRICS_EXPORTER is '"
                    + warden
                    + "'; write otlp, prometheus or none. Warden's metrics are off");
        return NONE;
      }
      return named;
    }
    if (standard == null || standard.isBlank()) {
      return OTLP;
    }
    MetricsExporter named = named(standard);
    if (named == PROMETHEUS) {
      Log.get()
          .info(
              "OTEL_METRICS_EXPORTER=prometheus is taken to be the application's (or the"
                  + " OpenTelemetry agent's): Warden's metrics are off. Set"
                  + " WARDEN_OTEL_METRICS_EXPORTER=prometheus and a port of their own to have"
                  + " them scraped");
      return NONE;
    }
    if (named == null) {
      Log.get()
          .info(
              "OTEL_METRICS_EXPORTER is '"
                  + standard
                  + "', which Warden does not export to: Warden's metrics are off (set"
                  + " WARDEN_OTEL_METRICS_EXPORTER to otlp or prometheus to have them)");
      return NONE;
    }
    return named;
  }

  private static MetricsExporter named(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "otlp" -> OTLP;
      case "prometheus" -> PROMETHEUS;
      case "none" -> NONE;
      default -> null;
    };
  }
}
