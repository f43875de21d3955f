package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.Decisions;
import dev.warden.agent.credential.Authorization;
import dev.warden.agent.log.Log;
import dev.warden.policy.secret.SecretUnavailableException;
import java.util.concurrent.CompletableFuture;

/**
 * Sets the site's credential, replacing whatever the application sent. A credential that cannot be
 * read is answered with the 503 of CONTRACT section 4, naming the credential and why.
 */
final class CredentialStage implements Stage {

  /** How long a 503 tells the application to wait before asking again. */
  static final long RETRY_AFTER_NANOS = 10_000_000_000L;

  /** Where tokens are fetched for asynchronous clients, so that no client I/O thread waits on a token endpoint. */
  private static final java.util.concurrent.Executor FETCHES = java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "warden-token");
    thread.setDaemon(true);
    return thread;
  });

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    Authorization credential = hop.exchange.snapshot().credentials().get(hop.site.credential());
    hop.audit.put(AuditAttributes.WARDEN_CREDENTIAL, credential.name());
    if (!credential.ready() && !hop.exchange.call().blocking()) {
      return CompletableFuture.supplyAsync(() -> authenticate(hop, credential, next), FETCHES).thenCompose(f -> f);
    }
    return authenticate(hop, credential, next);
  }

  private static CompletableFuture<Outcome> authenticate(Hop hop, Authorization credential, Chain next) {
    String value;
    try {
      value = credential.headerValue();
    } catch (SecretUnavailableException e) {
      String reason = "credential '" + credential.name() + "' of site '" + hop.site.id() + "' is unavailable: " + e.getMessage();
      Log.get().error(reason);
      hop.audit.put(AuditAttributes.WARDEN_DECISION, Decisions.UNAVAILABLE);
      return CompletableFuture.completedFuture(new Outcome.Answered(Answers.unavailable(reason, RETRY_AFTER_NANOS)));
    }
    hop.request = SiteRequests.authenticated(hop.request, value);
    hop.credential = credential;
    hop.sentAuthorization = value;
    return next.proceed(hop);
  }
}
