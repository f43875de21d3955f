package dev.warden.agent.hook;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.pipeline.ClientFailure;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A Jira-bound call of an asynchronous client that failed before any of its hops reached Warden
 * (the connection was refused, timed out, or TLS failed): handed to the pipeline as the application
 * made it, with the client's failure as its send, so that it is decided and audited like any call.
 * The application has the client's own exception whatever the pipeline decides: with no connection
 * there is nowhere to answer.
 */
public final class UnsentCall implements ClientCall<Void> {

  private static final Set<String> BODILESS = Set.of("GET", "HEAD", "DELETE", "OPTIONS", "TRACE");

  private final WardenRequest request;
  private final Throwable error;

  public UnsentCall(String method, URI target, Headers headers, Throwable error) {
    this.error = error;
    this.request =
        new WardenRequest(
            method, target, headers, BODILESS.contains(method) ? Body.NONE : Body.lazy(() -> null));
  }

  @Override
  public WardenRequest request() {
    return request;
  }

  @Override
  public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
    return CompletableFuture.failedFuture(transportError(error));
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

  @Override
  public boolean unsent() {
    return true;
  }

  /**
   * A client's failure as the pipeline takes it: checked exceptions as they are; a Netty-based
   * client's unchecked ones ({@code ReadTimeoutException}, {@code AbortedException}) wrapped, so
   * that they count as the client's, not as Warden's internal errors.
   */
  public static Throwable transportError(Throwable error) {
    return ClientFailure.of(error);
  }
}
