package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.hook.HookTestBase;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.Map;
import reactor.netty.http.client.HttpClient;

/** The Reactor Netty hook (a gate in each hop's channel), woven into the test JVM. */
class ReactorNettyHookTest extends HookTestBase {

  @Override
  protected Reply send(String method, String url, Map<String, String> headers) {
    return HttpClient.create()
        .followRedirect(true)
        .headers(fields -> headers.forEach(fields::set))
        .request(HttpMethod.valueOf(method))
        .uri(url)
        .responseSingle(
            (response, body) ->
                body.asString()
                    .defaultIfEmpty("")
                    .map(
                        text ->
                            new Reply(
                                response.status().code(),
                                response.responseHeaders().get("X-Warden-Decision"),
                                text)))
        .block(Duration.ofSeconds(10));
  }
}
