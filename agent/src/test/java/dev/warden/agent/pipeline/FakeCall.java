package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** A client call for tests: records what Warden sends and answers with canned responses. */
class FakeCall implements ClientCall<Object> {

  final WardenRequest request;
  final List<WardenRequest> sent = new ArrayList<>();
  Function<WardenRequest, CompletableFuture<WardenResponse>> network = r -> ok(200);
  RedirectPolicy redirects = RedirectPolicy.NONE;
  boolean blocking = true;
  boolean resendable = true;
  boolean shares = true;
  boolean proxied;
  final List<String> discarded = new ArrayList<>();

  FakeCall(String method, String url, Headers headers, byte[] body) {
    this.request =
        new WardenRequest(
            method, URI.create(url), headers, body == null ? Body.NONE : Body.of(body));
  }

  static FakeCall of(String method, String url) {
    return new FakeCall(method, url, Headers.EMPTY, null);
  }

  static CompletableFuture<WardenResponse> ok(int status) {
    return response(status, Headers.EMPTY);
  }

  static CompletableFuture<WardenResponse> response(int status, Headers headers) {
    return CompletableFuture.completedFuture(
        new WardenResponse(status, headers, "native " + status, () -> {}));
  }

  @Override
  public WardenRequest request() {
    return request;
  }

  @Override
  public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discard) {
    sent.add(outgoing);
    return network
        .apply(outgoing)
        .thenApply(
            r -> {
              if (discard.test(r.status(), r.headers())) {
                discarded.add(outgoing.uri().toString());
              }
              return r;
            });
  }

  @Override
  public CompletableFuture<Object> toNative(WardenResponse response, WardenRequest sentRequest) {
    return CompletableFuture.completedFuture(response.nativeResponse());
  }

  @Override
  public CompletableFuture<Object> answer(Answer answer) {
    return CompletableFuture.completedFuture(answer);
  }

  @Override
  public RedirectPolicy redirects() {
    return redirects;
  }

  @Override
  public boolean blocking() {
    return blocking;
  }

  @Override
  public boolean resendable() {
    return resendable;
  }

  @Override
  public boolean forwardProxied(URI uri) {
    return proxied;
  }

  @Override
  public boolean sharesResponses() {
    return shares;
  }
}
