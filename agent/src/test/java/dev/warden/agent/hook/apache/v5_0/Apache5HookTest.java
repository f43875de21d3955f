package dev.warden.agent.hook.apache.v5_0;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.hook.InJvmAgent;
import dev.warden.agent.hook.LocalJira;
import dev.warden.agent.hook.TestGateways;
import java.nio.file.Path;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Apache HttpClient 5 classic hook, woven into the test JVM. */
class Apache5HookTest {

  @TempDir Path dir;
  LocalJira server;
  final List<AuditRecord> records = TestGateways.records();

  @BeforeAll
  static void agent() {
    InJvmAgent.install();
  }

  @BeforeEach
  void start() throws Exception {
    server = new LocalJira();
    HookSupport.install(TestGateways.forSite(dir, server.url(), records));
  }

  @AfterEach
  void stop() {
    HookSupport.install(null);
    server.close();
  }

  @Test
  void allowedCallIsAuthenticatedAndTheApplicationsRequestUntouched() throws Exception {
    BasicClassicHttpRequest get =
        new BasicClassicHttpRequest("GET", server.url() + "/rest/api/2/issue/OPS-1");
    get.setHeader("Authorization", "Basic app");
    try (CloseableHttpClient client = HttpClients.createDefault()) {
      String body =
          client.execute(
              get,
              response -> response.getCode() + " " + EntityUtils.toString(response.getEntity()));
      assertThat(body).isEqualTo("200 {\"path\":\"/rest/api/2/issue/OPS-1\"}");
    }
    assertThat(server.received)
        .singleElement()
        .satisfies(
            got -> assertThat(got.authorization()).isEqualTo("Bearer " + TestGateways.TOKEN));
    assertThat(get.getFirstHeader("Authorization").getValue()).isEqualTo("Basic app");
  }

  @Test
  void denialIsAResponseAndRedirectHopsAreDecidedAnew() throws Exception {
    try (CloseableHttpClient client = HttpClients.createDefault()) {
      String denied =
          client.execute(
              new BasicClassicHttpRequest("DELETE", server.url() + "/rest/api/2/issue/OPS-1"),
              response ->
                  response.getCode() + " " + response.getFirstHeader("X-Warden-Rule").getValue());
      assertThat(denied).isEqualTo("403 default-deny");
      int moved =
          client.execute(
              new BasicClassicHttpRequest("GET", server.url() + "/moved"),
              response -> response.getCode());
      assertThat(moved).isEqualTo(200);
    }
    assertThat(server.received)
        .extracting(LocalJira.Got::path)
        .containsExactly("/moved", "/rest/api/2/issue/OPS-1");
    assertThat(server.received)
        .extracting(LocalJira.Got::authorization)
        .containsOnly("Bearer " + TestGateways.TOKEN);
    assertThat(records).hasSize(3);
  }
}
