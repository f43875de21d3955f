package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.credential.Authorization;
import dev.warden.agent.log.Log;
import dev.warden.policy.secret.SecretUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sets the site's credential, replacing whatever the application sent ({@link
 * RequestCredentials#forSite}). A credential that cannot be read is answered with the 503 of
 * CONTRACT section 4, naming the credential and why.
 */
final class CredentialStage implements Stage {

  private final Executor fetches;

  /**
   * @param fetches where tokens are fetched for asynchronous clients, so that no client I/O thread
   *     waits on a token endpoint
   */
  CredentialStage(Executor fetches) {
    this.fetches = fetches;
  }

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    Authorization credential = hop.exchange().snapshot().credentials().get(hop.site().credential());
    hop.audit().put(AuditAttributes.WARDEN_CREDENTIAL, credential.name());
    if (!credential.ready() && !hop.exchange().call().blocking()) {
      return CompletableFuture.supplyAsync(() -> authenticate(hop, credential, next), fetches)
          .thenCompose(f -> f);
    }
    return authenticate(hop, credential, next);
  }

  private static CompletableFuture<Outcome> authenticate(
      Hop hop, Authorization credential, Chain next) {
    String value;
    try {
      value = credential.headerValue();
    } catch (SecretUnavailableException e) {
      String reason =
          "credential '"
              + credential.name()
              + "' of site '"
              + hop.site().id()
              + "' is unavailable: "
              + e.getMessage();
      Log.get().error(reason);
      return CompletableFuture.completedFuture(
          new Outcome.Answered(Answers.unavailable(reason), hop, false));
    }
    String override = RequestCredentials.methodOverride(hop.request());
    if (override != null) {
      Log.get()
          .warn(
              "removed "
                  + override
                  + " from a "
                  + hop.request().method()
                  + " to site '"
                  + hop.site().id()
                  + "': Jira executes the method Warden decided");
    }
    return next.proceed(
        hop.authenticated(
            RequestCredentials.forSite(hop.request(), value),
            new Hop.Authentication(credential, value)));
  }
}
