package dev.warden.agent.hook.vertx.v4_0;

import dev.warden.agent.hook.HookTestBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Vert.x WebClient hook (Warden's interceptor, last in the chain), woven into the test JVM. */
class VertxHookTest extends HookTestBase {

  static Vertx vertx;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @Override
  protected Reply send(String method, String url, Map<String, String> headers) throws Exception {
    WebClient client = WebClient.create(vertx);
    try {
      HttpRequest<Buffer> request = client.requestAbs(HttpMethod.valueOf(method), url);
      headers.forEach(request::putHeader);
      CompletableFuture<HttpResponse<Buffer>> done = new CompletableFuture<>();
      request.send(
          result -> {
            if (result.succeeded()) {
              done.complete(result.result());
            } else {
              done.completeExceptionally(result.cause());
            }
          });
      HttpResponse<Buffer> response = done.get(10, TimeUnit.SECONDS);
      return new Reply(
          response.statusCode(),
          response.getHeader("X-Warden-Decision"),
          response.body() == null ? "" : response.bodyAsString());
    } finally {
      client.close();
    }
  }
}
