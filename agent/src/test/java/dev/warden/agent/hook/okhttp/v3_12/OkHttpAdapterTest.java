package dev.warden.agent.hook.okhttp.v3_12;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.hook.LocalJira;
import dev.warden.agent.hook.TestGateways;
import java.nio.file.Path;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OkHttp adapter on its own: its interceptors on a real client, a real gateway, a local server, no agent. */
class OkHttpAdapterTest {

  @TempDir Path dir;
  LocalJira server;
  OkHttpClient client;
  final List<AuditRecord> records = TestGateways.records();

  @BeforeEach
  void start() throws Exception {
    server = new LocalJira();
    HookSupport.install(TestGateways.forSite(dir, server.url(), records));
    client = new OkHttpClient.Builder()
        .addInterceptor(new WardenInterceptor())
        .addNetworkInterceptor(new WardenNetworkInterceptor())
        .build();
  }

  @AfterEach
  void stop() {
    HookSupport.install(null);
    server.close();
  }

  @Test
  void allowedCallCarriesTheCredentialWhichTheResponseDoesNotShow() throws Exception {
    Request request = new Request.Builder().url(server.url() + "/rest/api/2/issue/OPS-1").header("Authorization", "Basic app").build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("{\"path\":\"/rest/api/2/issue/OPS-1\"}");
      assertThat(response.request().header("Authorization")).isEqualTo("Basic app");
    }
    assertThat(server.received).singleElement().satisfies(got -> assertThat(got.authorization()).isEqualTo("Bearer " + TestGateways.TOKEN));
    assertThat(records).singleElement().satisfies(r -> assertThat(r.attribute("warden.decision")).isEqualTo("allow"));
  }

  @Test
  void denialIsAnOkHttpResponse() throws Exception {
    Request request = new Request.Builder().url(server.url() + "/rest/api/2/issue/OPS-1").delete().build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(403);
      assertThat(response.message()).isEqualTo("Forbidden");
      assertThat(response.header("X-Warden-Decision")).isEqualTo("deny");
      assertThat(response.body().contentType().toString()).isEqualTo("application/json");
      assertThat(response.body().string()).contains("denied by rule default-deny");
    }
    assertThat(server.received).isEmpty();
  }

  @Test
  void createBodiesAreReadForTheirProjectAndSentAsTheyWere() throws Exception {
    RequestBody body = RequestBody.create(MediaType.parse("application/json"), "{\"fields\":{\"project\":{\"key\":\"OPS\"}}}");
    try (Response response = client.newCall(new Request.Builder().url(server.url() + "/rest/api/2/issue").post(body).build()).execute()) {
      assertThat(response.code()).isEqualTo(201);
    }
    assertThat(server.received).singleElement().satisfies(got -> assertThat(got.body()).isEqualTo("{\"fields\":{\"project\":{\"key\":\"OPS\"}}}"));
  }

  @Test
  void aRedirectHopOkHttpFollowsIsDecidedAnew() throws Exception {
    try (Response response = client.newCall(new Request.Builder().url(server.url() + "/moved").build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(server.received).extracting(LocalJira.Got::path, LocalJira.Got::authorization).containsExactly(
        org.assertj.core.groups.Tuple.tuple("/moved", "Bearer " + TestGateways.TOKEN),
        org.assertj.core.groups.Tuple.tuple("/rest/api/2/issue/OPS-1", "Bearer " + TestGateways.TOKEN));
    assertThat(records).hasSize(2);
  }

  @Test
  void otherHostsAreNotTouched() throws Exception {
    HookSupport.install(TestGateways.forSite(dir, "http://example.invalid", records));
    Request request = new Request.Builder().url(server.url() + "/anything").header("Authorization", "Basic app").build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(server.received).singleElement().satisfies(got -> assertThat(got.authorization()).isEqualTo("Basic app"));
    assertThat(records).isEmpty();
  }
}
