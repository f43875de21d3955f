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

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    Authorization credential = hop.exchange.snapshot().credentials().get(hop.site.credential());
    hop.audit.put(AuditAttributes.WARDEN_CREDENTIAL, credential.name());
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
    return next.proceed(hop);
  }
}
