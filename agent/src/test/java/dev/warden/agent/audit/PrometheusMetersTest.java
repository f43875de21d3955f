package dev.warden.agent.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.log.Level;
import dev.warden.agent.log.Log;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusMetersTest {

  final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  Log previous;

  @BeforeEach
  void captureLog() {
    previous = Log.get();
    Log.set(new Log(new PrintStream(logged, true, UTF_8), Level.INFO, System::nanoTime));
  }

  @AfterEach
  void restoreLog() {
    Log.set(previous);
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void servesTheMetricsOnLocalhostAndItsPort() throws Exception {
    int port = freePort();
    SdkMeterProvider meters =
        PrometheusMeters.start(
            Map.of("otel.exporter.prometheus.port", Integer.toString(port)), Resource.getDefault());
    assertThat(meters).as(logged.toString(UTF_8)).isNotNull();
    try {
      meters.get("dev.warden").counterBuilder("warden.requests").build().add(2);
      HttpResponse<String> scraped =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.body()).contains("warden_requests_total");
      assertThat(logged.toString(UTF_8)).contains("http://localhost:" + port + "/metrics");
    } finally {
      meters.shutdown();
    }
  }

  @Test
  void aBusyPortIsLoggedAndLeavesTheMetricsOff() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("localhost"))) {
      SdkMeterProvider meters =
          PrometheusMeters.start(
              Map.of("otel.exporter.prometheus.port", Integer.toString(busy.getLocalPort())),
              Resource.getDefault());
      assertThat(meters).isNull();
      assertThat(logged.toString(UTF_8))
          .contains("cannot open Warden's Prometheus endpoint on localhost:" + busy.getLocalPort());
    }
  }

  @Test
  void aPortThatIsNoNumberIsNamed() {
    assertThat(
            PrometheusMeters.start(
                Map.of("otel.exporter.prometheus.port", "ninety"), Resource.getDefault()))
        .isNull();
    assertThat(logged.toString(UTF_8)).contains("WARDEN_OTEL_EXPORTER_PROMETHEUS_PORT is 'ninety'");
  }
}
