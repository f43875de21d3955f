package dev.warden.agent.audit;

import dev.warden.agent.log.Log;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Warden's metrics on a Prometheus scrape endpoint of their own: {@code
 * WARDEN_OTEL_EXPORTER_PROMETHEUS_HOST} (default {@code localhost}: no port on other interfaces
 * unless told) and {@code WARDEN_OTEL_EXPORTER_PROMETHEUS_PORT} (default 9464). The standard {@code
 * OTEL_EXPORTER_PROMETHEUS_*} settings are the application's and are not read. A port that cannot
 * be bound is logged once and leaves the metrics off; it never stops anything else.
 */
final class PrometheusMeters {

  static final String DEFAULT_HOST = "localhost";
  static final int DEFAULT_PORT = 9464;

  private PrometheusMeters() {}

  /**
   * The endpoint's threads: one daemon (a scrape is rare and quick), each exchange handled inside
   * the OpenTelemetry agent's suppression context, so that agent never traces Warden's scrapes as
   * the application's server calls.
   */
  private static ExecutorService untracedExecutor() {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            1,
            1,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, "warden-prometheus");
              thread.setDaemon(true);
              return thread;
            }) {
          @Override
          public void execute(Runnable command) {
            super.execute(Untraced.wrap(command));
          }
        };
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** The meter provider behind the endpoint, or {@code null} when it cannot be opened. */
  static SdkMeterProvider start(Map<String, String> overrides, Resource resource) {
    String host = overrides.getOrDefault("otel.exporter.prometheus.host", DEFAULT_HOST).trim();
    String portText =
        overrides.getOrDefault("otel.exporter.prometheus.port", Integer.toString(DEFAULT_PORT));
    int port;
    try {
      port = Integer.parseInt(portText.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      Log.get()
          .error(
              "WARDEN_OTEL_EXPORTER_PROMETHEUS_PORT is '"
                  + portText
                  + "'; write a port number. Warden's metrics are off");
      return null;
    }
    PrometheusHttpServer server;
    try {
      server =
          PrometheusHttpServer.builder()
              .setHost(host)
              .setPort(port)
              .setExecutor(untracedExecutor())
              // A custom executor's scrapes may overlap: each gets data of its own.
              .setMemoryMode(MemoryMode.IMMUTABLE_DATA)
              .build();
    } catch (RuntimeException e) {
      Log.get()
          .error(
              "cannot open Warden's Prometheus endpoint on "
                  + host
                  + ":"
                  + port
                  + " ("
                  + (e.getCause() != null ? e.getCause() : e)
                  + "); Warden's metrics are off"
                  + (e.getCause() instanceof java.io.IOException
                      ? ". Set WARDEN_OTEL_EXPORTER_PROMETHEUS_PORT to a free port"
                      : ""));
      return null;
    }
    Log.get().info("Warden's metrics: http://" + host + ":" + port + "/metrics");
    return SdkMeterProvider.builder().setResource(resource).registerMetricReader(server).build();
  }
}
