package dev.warden.agent.hook.apache.v4_2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.hook.InJvmAgent;
import dev.warden.agent.hook.LocalJira;
import dev.warden.agent.hook.TestGateways;
import java.nio.file.Path;
import java.util.List;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpDelete;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.DefaultHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Apache HttpClient 4 hook, woven into the test JVM: the exec chain and the request director,
 * both.
 */
class ApacheHookTest {

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
  void execChainCallIsAuthenticatedAndTheApplicationsRequestUntouched() throws Exception {
    HttpGet get = new HttpGet(server.url() + "/rest/api/2/issue/OPS-1");
    get.setHeader("Authorization", "Basic app");
    try (CloseableHttpClient client = HttpClients.createDefault();
        CloseableHttpResponse response = client.execute(get)) {
      assertThat(response.getStatusLine().getStatusCode()).isEqualTo(200);
      assertThat(EntityUtils.toString(response.getEntity())).contains("OPS-1");
    }
    assertThat(server.received)
        .singleElement()
        .satisfies(
            got -> assertThat(got.authorization()).isEqualTo("Bearer " + TestGateways.TOKEN));
    assertThat(get.getFirstHeader("Authorization").getValue()).isEqualTo("Basic app");
  }

  @Test
  void execChainDenialIsAResponseAndNothingIsSent() throws Exception {
    try (CloseableHttpClient client = HttpClients.createDefault();
        CloseableHttpResponse response =
            client.execute(new HttpDelete(server.url() + "/rest/api/2/issue/OPS-1"))) {
      assertThat(response.getStatusLine().getStatusCode()).isEqualTo(403);
      assertThat(response.getFirstHeader("X-Warden-Decision").getValue()).isEqualTo("deny");
      assertThat(EntityUtils.toString(response.getEntity()))
          .contains("denied by rule default-deny");
    }
    assertThat(server.received).isEmpty();
  }

  @Test
  void execChainSeesEachRedirectHop() throws Exception {
    try (CloseableHttpClient client = HttpClients.createDefault();
        CloseableHttpResponse response = client.execute(new HttpGet(server.url() + "/moved"))) {
      assertThat(response.getStatusLine().getStatusCode()).isEqualTo(200);
    }
    assertThat(server.received)
        .extracting(LocalJira.Got::authorization)
        .containsOnly("Bearer " + TestGateways.TOKEN)
        .hasSize(2);
    assertThat(records)
        .extracting(AuditRecord::name)
        .containsExactly("GET unknown", "GET /rest/api/2/issue/{issueIdOrKey}");
  }

  @Test
  @SuppressWarnings("deprecation")
  void directorCallIsDecidedAndItsRedirectsFollowedByWarden() throws Exception {
    DefaultHttpClient client = new DefaultHttpClient();
    HttpPost create = new HttpPost(server.url() + "/rest/api/2/issue");
    create.setEntity(new StringEntity("{\"fields\":{\"project\":{\"key\":\"OPS\"}}}"));
    HttpResponse created = client.execute(create);
    assertThat(created.getStatusLine().getStatusCode()).isEqualTo(201);
    EntityUtils.consume(created.getEntity());

    HttpResponse denied = client.execute(new HttpPost(server.url() + "/rest/api/2/issue"));
    assertThat(denied.getStatusLine().getStatusCode()).isEqualTo(403);
    EntityUtils.consume(denied.getEntity());

    HttpResponse moved = client.execute(new HttpGet(server.url() + "/moved"));
    assertThat(moved.getStatusLine().getStatusCode()).isEqualTo(200);
    EntityUtils.consume(moved.getEntity());

    assertThat(server.received)
        .extracting(LocalJira.Got::path)
        .containsExactly("/rest/api/2/issue", "/moved", "/rest/api/2/issue/OPS-1");
    assertThat(server.received)
        .extracting(LocalJira.Got::authorization)
        .containsOnly("Bearer " + TestGateways.TOKEN);
    assertThat(records).hasSize(4);
  }
}
