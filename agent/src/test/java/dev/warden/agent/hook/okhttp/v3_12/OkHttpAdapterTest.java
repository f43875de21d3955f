package dev.warden.agent.hook.okhttp.v3_12;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.hook.HookTestBase;
import dev.warden.agent.hook.LocalJira;
import dev.warden.agent.hook.TestGateways;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The OkHttp hook, woven into the test JVM: every client gets Warden's application and network
 * interceptors when it is built.
 */
class OkHttpAdapterTest extends HookTestBase {

  final OkHttpClient client = new OkHttpClient.Builder().build();

  @Override
  protected Reply send(String method, String url, java.util.Map<String, String> headers)
      throws Exception {
    Request.Builder request = new Request.Builder().url(url).method(method, null);
    headers.forEach(request::header);
    try (Response response = client.newCall(request.build()).execute()) {
      return new Reply(
          response.code(), response.header("X-Warden-Decision"), response.body().string());
    }
  }

  @Test
  void everyClientGetsWardensInterceptorsOnceAndLast() {
    OkHttpClient built = new OkHttpClient.Builder().build();
    OkHttpClient rebuilt = built.newBuilder().build();

    assertThat(rebuilt.interceptors()).hasSize(1);
    assertThat(rebuilt.interceptors().get(0).getClass().getName())
        .isEqualTo(WardenInterceptor.class.getName());
    assertThat(rebuilt.networkInterceptors()).hasSize(1);
  }

  @Test
  void allowedCallCarriesTheCredentialWhichTheResponseDoesNotShow() throws Exception {
    Request request =
        new Request.Builder()
            .url(server.url() + "/rest/api/2/issue/OPS-1")
            .header("Authorization", "Basic app")
            .build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("{\"path\":\"/rest/api/2/issue/OPS-1\"}");
      assertThat(response.request().header("Authorization")).isEqualTo("Basic app");
    }
    assertThat(server.received)
        .singleElement()
        .satisfies(
            got -> assertThat(got.authorization()).isEqualTo("Bearer " + TestGateways.TOKEN));
    assertThat(records)
        .singleElement()
        .satisfies(r -> assertThat(r.attribute("warden.decision")).isEqualTo("allow"));
  }

  @Test
  void createBodiesAreReadForTheirProjectAndSentAsTheyWere() throws Exception {
    RequestBody body =
        RequestBody.create(
            MediaType.parse("application/json"), "{\"fields\":{\"project\":{\"key\":\"OPS\"}}}");
    try (Response response =
        client
            .newCall(
                new Request.Builder().url(server.url() + "/rest/api/2/issue").post(body).build())
            .execute()) {
      assertThat(response.code()).isEqualTo(201);
    }
    assertThat(server.received)
        .singleElement()
        .satisfies(
            got ->
                assertThat(got.body()).isEqualTo("{\"fields\":{\"project\":{\"key\":\"OPS\"}}}"));
  }

  @Test
  void aRedirectHopOkHttpFollowsIsDecidedAnew() throws Exception {
    try (Response response =
        client.newCall(new Request.Builder().url(server.url() + "/moved").build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(server.received)
        .extracting(LocalJira.Got::path, LocalJira.Got::authorization)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/moved", "Bearer " + TestGateways.TOKEN),
            org.assertj.core.groups.Tuple.tuple(
                "/rest/api/2/issue/OPS-1", "Bearer " + TestGateways.TOKEN));
    assertThat(records).hasSize(2);
  }
}
