package dev.warden.agent.hook.jdk.httpclient;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.hook.LocalJira;
import dev.warden.agent.pipeline.Answers;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The java.net.http adapter on its own: no agent, a real client, a local server. */
class JdkHttpCallTest {

  LocalJira server;
  final HttpClient client = HttpClient.newHttpClient();
  final RedirectFreeClients redirectFree = new RedirectFreeClients();

  @BeforeEach
  void start() throws Exception {
    server = new LocalJira();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  <T> JdkHttpCall<T> call(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return new JdkHttpCall<>(client, request, handler, null, redirectFree, false);
  }

  @Test
  void aBlockingSendStaysOnTheCallersThread() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + "/rest/api/2/issue/OPS-1")).build();
    JdkHttpCall<String> call =
        new JdkHttpCall<>(
            client, request, HttpResponse.BodyHandlers.ofString(), null, redirectFree, true);

    CompletableFuture<WardenResponse> sent = call.send(call.request(), ClientCall.Discarded.NONE);

    assertThat(call.blocking()).isTrue();
    assertThat(sent).as("done before send returns: nothing was handed to another thread").isDone();
    assertThat(sent.get().status()).isEqualTo(200);
    assertThat(call.completedOn()).isNull();
  }

  @Test
  void aBlockingSendFailsWithTheCauseTheApplicationsSendWrapsOnce() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closed + "/rest/api/2/myself"))
            .build();
    JdkHttpCall<String> call =
        new JdkHttpCall<>(
            client, request, HttpResponse.BodyHandlers.ofString(), null, redirectFree, true);

    CompletableFuture<WardenResponse> sent = call.send(call.request(), ClientCall.Discarded.NONE);

    assertThat(sent).isCompletedExceptionally();
    Throwable failed = sent.handle((r, e) -> unwrapped(e)).join();
    // What the client's sendAsync fails with, which its send wraps once more.
    Throwable own =
        client
            .sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .handle((r, e) -> unwrapped(e))
            .join();
    assertThat(failed).isInstanceOf(java.net.ConnectException.class).hasSameClassAs(own);
    assertThat(failed.getCause() == null ? null : failed.getCause().getClass())
        .as("the client's own failure, not send's IOException around it")
        .isEqualTo(own.getCause() == null ? null : own.getCause().getClass());
  }

  static Throwable unwrapped(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
  }

  @Test
  void anAsynchronousSendSaysWhichThreadTheClientCompletedItOn() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + "/rest/api/2/issue/OPS-1")).build();
    JdkHttpCall<String> call = call(request, HttpResponse.BodyHandlers.ofString());

    assertThat(call.send(call.request(), ClientCall.Discarded.NONE).get().status()).isEqualTo(200);
    assertThat(call.blocking()).isFalse();
    assertThat(call.completedOn()).isNotNull().isNotEqualTo(Thread.currentThread());
  }

  @Test
  void answersAreRealResponsesThroughTheApplicationsOwnBodyHandler() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + "/rest/api/2/issue/OPS-1"))
            .DELETE()
            .build();
    Answer denied =
        Answers.denied("DELETE", "/rest/api/2/issue/OPS-1", "deleteIssue", "no-deletes");

    HttpResponse<String> asString =
        call(request, HttpResponse.BodyHandlers.ofString()).answer(denied).get();
    HttpResponse<InputStream> asStream =
        call(request, HttpResponse.BodyHandlers.ofInputStream()).answer(denied).get();
    HttpResponse<Integer> mapped =
        call(
                request,
                info ->
                    HttpResponse.BodySubscribers.mapping(
                        HttpResponse.BodySubscribers.ofByteArray(), bytes -> bytes.length))
            .answer(denied)
            .get();
    HttpResponse<Void> discarded =
        call(request, HttpResponse.BodyHandlers.discarding()).answer(denied).get();

    assertThat(asString.statusCode()).isEqualTo(403);
    assertThat(asString.body()).isEqualTo(denied.bodyText());
    assertThat(asString.headers().firstValue("x-warden-rule")).contains("no-deletes");
    assertThat(asString.request()).isSameAs(request);
    assertThat(asString.uri()).isEqualTo(request.uri());
    assertThat(new String(asStream.body().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo(denied.bodyText());
    assertThat(mapped.body()).isEqualTo(denied.bodyText().getBytes(StandardCharsets.UTF_8).length);
    assertThat(discarded.body()).isNull();
  }

  @Test
  void sendsWardensRequestAndHidesItFromTheResponse() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + "/rest/api/2/issue"))
            .header("Authorization", "Bearer app")
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString("{\"fields\":{}}"))
            .build();
    JdkHttpCall<String> call = call(request, HttpResponse.BodyHandlers.ofString());
    WardenRequest mine = call.request();
    assertThat(new String(mine.body().bytes(), StandardCharsets.UTF_8))
        .isEqualTo("{\"fields\":{}}");
    WardenRequest authenticated =
        mine.withHeaders(mine.headers().with("Authorization", "Bearer warden"));

    WardenResponse response = call.send(authenticated, ClientCall.Discarded.NONE).get();
    HttpResponse<String> seen = call.toNative(response, mine).get();

    assertThat(server.received)
        .singleElement()
        .satisfies(
            got -> {
              assertThat(got.authorization()).isEqualTo("Bearer warden");
              assertThat(got.body()).isEqualTo("{\"fields\":{}}");
            });
    assertThat(response.status()).isEqualTo(201);
    assertThat(response.headers().first("X-RateLimit-Remaining")).isEqualTo("99");
    assertThat(seen.body()).isEqualTo("{\"path\":\"/rest/api/2/issue\"}");
    assertThat(seen.request().headers().allValues("Authorization")).containsExactly("Bearer app");
    assertThat(seen.previousResponse()).isEmpty();
  }

  @Test
  void aResponseWardenWillDiscardNeverReachesTheApplicationsHandler() throws Exception {
    int[] handled = {0};
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/moved")).build();
    JdkHttpCall<String> call =
        call(
            request,
            info -> {
              handled[0]++;
              return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            });

    WardenResponse response =
        call.send(call.request(), (status, headers) -> status == 302 && headers.has("Location"))
            .get();

    assertThat(response.status()).isEqualTo(302);
    assertThat(response.headers().first("Location")).isEqualTo("/rest/api/2/issue/OPS-1");
    assertThat(handled[0]).isZero();
  }

  @Test
  void redirectsAreWardensOnlyWhenTheClientWouldFollowThem() {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url())).build();
    assertThat(call(request, HttpResponse.BodyHandlers.discarding()).redirects())
        .isSameAs(RedirectPolicy.NONE);
    JdkHttpCall<Void> normal =
        new JdkHttpCall<>(
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build(),
            request,
            HttpResponse.BodyHandlers.discarding(),
            null,
            redirectFree,
            false);
    assertThat(normal.redirects()).isSameAs(JdkHttpCall.NORMAL);
    assertThat(JdkHttpCall.NORMAL.allowsScheme("https", "http")).isFalse();
    assertThat(JdkHttpCall.ALWAYS.allowsScheme("https", "http")).isTrue();
  }

  @Test
  void theRedirectFreeCopyKeepsTheClientsSettings() {
    HttpClient following =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.ALWAYS)
            .connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    HttpClient copy = redirectFree.of(following);
    assertThat(copy).isNotSameAs(following).isSameAs(redirectFree.of(following));
    assertThat(copy.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
    assertThat(copy.connectTimeout()).contains(Duration.ofSeconds(3));
    assertThat(copy.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(redirectFree.of(client)).isSameAs(client);
  }

  @Test
  void publisherBodiesAreReadUnlessTooLarge() {
    assertThat(
            PublisherBytes.read(
                HttpRequest.BodyPublishers.ofByteArrays(List.of("ab".getBytes(), "cd".getBytes()))))
        .isEqualTo("abcd".getBytes());
    assertThat(
            PublisherBytes.read(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream("xyz".getBytes()))))
        .isEqualTo("xyz".getBytes());
    assertThat(
            PublisherBytes.read(
                HttpRequest.BodyPublishers.ofByteArray(
                    new byte[dev.warden.agent.bootstrap.Body.MAX_BYTES + 1])))
        .isNull();
    assertThat(Body.lazy(() -> null).bytes()).isNull();
    assertThat(Headers.of("A", "1").toString()).isEqualTo("Headers[a]");
  }
}
