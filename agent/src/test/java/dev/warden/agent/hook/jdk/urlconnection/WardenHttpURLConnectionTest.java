package dev.warden.agent.hook.jdk.urlconnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.hook.LocalJira;
import dev.warden.agent.hook.TestGateways;
import dev.warden.agent.pipeline.Gateway;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warden's HttpURLConnection on its own: no agent, a real gateway and JDK connection, a local
 * server.
 */
class WardenHttpURLConnectionTest {

  @TempDir Path dir;
  LocalJira server;
  Gateway gateway;
  final List<AuditRecord> records = TestGateways.records();

  @BeforeEach
  void start() throws Exception {
    server = new LocalJira();
    gateway = TestGateways.forSite(dir, server.url(), records);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  WardenHttpURLConnection open(String path) throws IOException {
    URL url = new URL(server.url() + path);
    return new WardenHttpURLConnection(
        url, (HttpURLConnection) url.openConnection(), null, gateway);
  }

  @Test
  void allowedRequestReadsLikeTheJdksAndCarriesTheCredential() throws Exception {
    WardenHttpURLConnection connection = open("/rest/api/2/issue/OPS-1");
    connection.setRequestProperty("Authorization", "Basic app-own");

    assertThat(connection.getResponseCode()).isEqualTo(200);
    assertThat(connection.getResponseMessage()).isEqualTo("OK");
    assertThat(connection.getContentType()).isEqualTo("application/json");
    assertThat(connection.getHeaderField("X-RateLimit-Remaining")).isEqualTo("99");
    assertThat(new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("{\"path\":\"/rest/api/2/issue/OPS-1\"}");
    assertThat(server.received)
        .singleElement()
        .satisfies(
            got -> assertThat(got.authorization()).isEqualTo("Bearer " + TestGateways.TOKEN));
    assertThat(connection.getRequestProperty("Authorization")).isNull();
  }

  @Test
  void denialReadsLikeAnErrorStatusFromTheServer() throws Exception {
    WardenHttpURLConnection connection = open("/rest/api/2/issue/OPS-1");
    connection.setRequestMethod("DELETE");

    assertThatThrownBy(connection::getInputStream)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "Server returned HTTP response code: 403 for URL: "
                + server.url()
                + "/rest/api/2/issue/OPS-1");
    assertThat(connection.getResponseCode()).isEqualTo(403);
    assertThat(connection.getResponseMessage()).isEqualTo("Forbidden");
    assertThat(connection.getHeaderField(0)).isEqualTo("HTTP/1.1 403 Forbidden");
    assertThat(connection.getHeaderFieldKey(0)).isNull();
    assertThat(connection.getHeaderField("x-warden-decision")).isEqualTo("deny");
    assertThat(connection.getHeaderFields()).containsKey(null).containsKey("X-Warden-Rule");
    assertThat(connection.getContentLengthLong()).isEqualTo(-1);
    assertThat(new String(connection.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"errorMessages\":[\"warden: DELETE /rest/api/2/issue/OPS-1 (deleteIssue) denied by rule default-deny\"],\"errors\":{}}");
    assertThat(server.received).isEmpty();
  }

  @Test
  void bodyIsBufferedClassifiedAndSentAndGetTurnsIntoPost() throws Exception {
    WardenHttpURLConnection connection = open("/rest/api/2/issue");
    connection.setDoOutput(true);
    byte[] body =
        "{\"fields\":{\"project\":{\"key\":\"OPS\"},\"x\":1}}".getBytes(StandardCharsets.UTF_8);
    connection.setFixedLengthStreamingMode(body.length);
    try (OutputStream out = connection.getOutputStream()) {
      out.write(body);
    }
    assertThat(connection.getRequestMethod()).isEqualTo("POST");
    assertThat(connection.getResponseCode()).isEqualTo(201);
    assertThat(server.received)
        .singleElement()
        .satisfies(
            got ->
                assertThat(got.body())
                    .isEqualTo("{\"fields\":{\"project\":{\"key\":\"OPS\"},\"x\":1}}"));
    assertThatThrownBy(connection::getOutputStream)
        .isInstanceOf(ProtocolException.class)
        .hasMessage("Cannot write output after reading input.");
  }

  @Test
  void misuseFailsAsTheJdksConnectionWould() throws Exception {
    WardenHttpURLConnection noOutput = open("/rest/api/2/issue");
    assertThatThrownBy(noOutput::getOutputStream)
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("doOutput=false");

    WardenHttpURLConnection connected = open("/rest/api/2/issue/OPS-1");
    connected.connect();
    assertThatThrownBy(() -> connected.setRequestProperty("Accept", "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Already connected");

    WardenHttpURLConnection tooShort = open("/rest/api/2/issue");
    tooShort.setDoOutput(true);
    tooShort.setFixedLengthStreamingMode(10);
    tooShort.getOutputStream().write(1);
    assertThatThrownBy(tooShort::getResponseCode)
        .isInstanceOf(IOException.class)
        .hasMessage("insufficient data written");

    WardenHttpURLConnection tooLong = open("/rest/api/2/issue");
    tooLong.setDoOutput(true);
    tooLong.setFixedLengthStreamingMode(1);
    OutputStream out = tooLong.getOutputStream();
    out.write(1);
    assertThatThrownBy(() -> out.write(2))
        .isInstanceOf(IOException.class)
        .hasMessage("too many bytes written");
  }

  @Test
  void connectionFailuresSurfaceAsTheJdksExceptionsEveryTime() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Gateway closed = TestGateways.forSite(dir.resolve(".."), "http://127.0.0.1:" + port, records);
    URL url = new URL("http://127.0.0.1:" + port + "/rest/api/2/issue/OPS-1");
    WardenHttpURLConnection connection =
        new WardenHttpURLConnection(url, (HttpURLConnection) url.openConnection(), null, closed);

    assertThatThrownBy(connection::getResponseCode).isInstanceOf(ConnectException.class);
    assertThatThrownBy(connection::getInputStream).isInstanceOf(ConnectException.class);
    assertThat(connection.getHeaderField("anything")).isNull();
    assertThat(records)
        .singleElement()
        .satisfies(
            r -> assertThat(r.attribute("error.type")).isEqualTo("java.net.ConnectException"));
  }

  @Test
  void redirectsAreFollowedHopByHopWhenTheApplicationAsks() throws Exception {
    WardenHttpURLConnection following = open("/moved");
    assertThat(following.getResponseCode()).isEqualTo(200);
    assertThat(server.received)
        .extracting(LocalJira.Got::path)
        .containsExactly("/moved", "/rest/api/2/issue/OPS-1");

    WardenHttpURLConnection notFollowing = open("/moved");
    notFollowing.setInstanceFollowRedirects(false);
    assertThat(notFollowing.getResponseCode()).isEqualTo(302);
    assertThat(notFollowing.getHeaderField("Location")).isEqualTo("/rest/api/2/issue/OPS-1");
  }

  @Test
  void theHttpsShellForwardsToTheConnectionInside() throws Exception {
    WardenHttpURLConnection inner = open("/rest/api/2/issue/OPS-1");
    WardenHttpsURLConnection https = new WardenHttpsURLConnection(inner);
    https.setReadTimeout(1234);
    https.setRequestProperty("Accept", "application/json");
    assertThat(inner.getReadTimeout()).isEqualTo(1234);
    assertThat(https.getRequestProperty("Accept")).isEqualTo("application/json");
    assertThatThrownBy(https::getCipherSuite).isInstanceOf(IllegalStateException.class);
    assertThat(https.getResponseCode()).isEqualTo(200);
  }
}
