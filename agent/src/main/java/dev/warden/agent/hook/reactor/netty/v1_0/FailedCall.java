package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A Jira-bound call that failed before any of its hops reached Warden's gate (the connection was
 * refused, timed out, or TLS failed): handed to the pipeline as it was configured, with the
 * client's failure as its send, so that it is decided and audited like any call. The application
 * has Reactor Netty's own exception whatever the pipeline decides: with no connection there is no
 * channel to answer in.
 */
final class FailedCall implements ClientCall<Void> {

  private static final Set<String> BODILESS = Set.of("GET", "HEAD", "DELETE", "OPTIONS", "TRACE");

  private final WardenRequest request;
  private final Throwable error;

  FailedCall(CallState state, Throwable error) {
    this.error = error;
    this.request =
        new WardenRequest(
            state.method,
            state.target,
            state.headers,
            BODILESS.contains(state.method) ? Body.NONE : Body.lazy(() -> null));
  }

  @Override
  public WardenRequest request() {
    return request;
  }

  @Override
  public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
    return CompletableFuture.failedFuture(Gate.transportError(error));
  }

  @Override
  public CompletableFuture<Void> toNative(WardenResponse response, WardenRequest sent) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> answer(Answer answer) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public boolean resendable() {
    return false;
  }
}
