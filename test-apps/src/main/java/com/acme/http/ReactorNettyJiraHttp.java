package com.acme.http;

import com.acme.Step;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * Calls through Reactor Netty's {@code HttpClient} (what Spring's {@code WebClient} runs on):
 * {@code responseSingle(...).block()}, or {@code subscribe(...)} with callbacks, which run on the
 * client's event loop. Written to Reactor Netty 1.0's API, which 1.1 to 1.3 keep.
 */
public final class ReactorNettyJiraHttp implements JiraHttp {

  private final HttpClient client;
  private final boolean async;

  public ReactorNettyJiraHttp(boolean async, Options options) {
    this.async = async;
    // A pool of its own, large enough for the fifty calls at once the tests make.
    ConnectionProvider pool =
        ConnectionProvider.builder("acme-jira")
            .maxConnections(100)
            .pendingAcquireMaxCount(-1)
            .build();
    HttpClient http =
        HttpClient.create(pool)
            .followRedirect(options.followRedirects)
            .responseTimeout(Duration.ofMillis(options.readTimeoutMillis))
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, options.connectTimeoutMillis)
            // Names resolved by the JDK (its hosts file in the tests), not Netty's own resolver.
            .resolver(io.netty.resolver.DefaultAddressResolverGroup.INSTANCE);
    if (options.proxy != null) {
      java.net.InetSocketAddress proxy = options.proxy;
      http =
          http.proxy(
              spec ->
                  spec.type(reactor.netty.transport.ProxyProvider.Proxy.HTTP)
                      .host(proxy.getHostString())
                      .port(proxy.getPort()));
    }
    this.client = options.http2 ? http.protocol(HttpProtocol.H2, HttpProtocol.HTTP11) : http;
  }

  @Override
  public Result send(Step step) throws Exception {
    HttpClient.ResponseReceiver<?> receiver =
        client
            .headers(headers -> step.headers.forEach(headers::add))
            .request(HttpMethod.valueOf(step.method))
            .uri(step.url);
    if (step.body != null) {
      byte[] body = step.body.getBytes(StandardCharsets.UTF_8);
      receiver =
          ((HttpClient.RequestSender) receiver)
              .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
    }
    Mono<Result> call =
        receiver.responseSingle(
            (response, content) ->
                content
                    .asString(StandardCharsets.UTF_8)
                    .defaultIfEmpty("")
                    .map(text -> result(response, text)));
    if (!async) {
      try {
        return call.block(Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        // block() wraps a checked exception (a connect failure) in one of its own.
        Throwable cause = Exceptions.unwrap(e);
        throw cause instanceof Exception checked ? checked : e;
      }
    }
    CompletableFuture<Result> seen = new CompletableFuture<>();
    call.subscribe(seen::complete, seen::completeExceptionally);
    try {
      return seen.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static Result result(HttpClientResponse response, String body) {
    Result result = new Result();
    result.status = response.status().code();
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : response.responseHeaders()) {
      fields.computeIfAbsent(header.getKey(), k -> new ArrayList<>()).add(header.getValue());
    }
    result.headers = JiraHttp.interesting(fields);
    result.body = body;
    result.visibleAuthorization = response.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
    result.version = HttpVersion.HTTP_1_1.equals(response.version()) ? "HTTP_1_1" : "HTTP_2";
    return result;
  }
}
