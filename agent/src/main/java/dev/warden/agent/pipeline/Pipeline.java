package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.audit.AuditSink;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.egress.ManagedConnections;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.jira.PathSegments;
import dev.warden.policy.Site;
import dev.warden.policy.SiteUrl;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The request path every hooked client shares. Each hop to a Jira site goes through these stages,
 * in this order:
 *
 * <ol>
 *   <li>{@link AuditStage}: records the hop, whatever happens below; internal errors fail closed;
 *   <li>{@link ClassifyStage}: operation, scope, issue and projects;
 *   <li>{@link DecideStage}: the policy's rules; a denial is answered here;
 *   <li>{@link CoalesceStage}: identical concurrent GETs a {@code coalesce} rule allows share one response;
 *   <li>{@link RetryStage}: Jira's 429s and 503s: the pause they ask for, and retries of the stages below;
 *   <li>{@link PauseStage}: waits out a pause Jira asked for, or answers 429 past {@code max-wait};
 *   <li>{@link ThrottleStage}: a token, or a wait, or a 429;
 *   <li>{@link CredentialStage}: the site's {@code Authorization}, the application's credentials removed;
 * </ol>
 *
 * and is then sent through the application's own client. A hop to a host that is not a site is
 * sent with no credential at all. Redirects the client would follow unseen are followed here, each
 * hop decided anew.
 */
final class Pipeline {

  private final List<Stage> stages;
  private final WardenClock clock;
  private final ManagedConnections managed;

  Pipeline(AuditSink audit, ThrottleRegistry throttles, WardenClock clock, ManagedConnections managed) {
    this.managed = managed;
    this.stages = List.of(
        new AuditStage(audit, clock),
        new ClassifyStage(),
        new DecideStage(),
        new CoalesceStage(),
        new RetryStage(throttles, clock),
        new PauseStage(throttles, clock),
        new ThrottleStage(throttles),
        new CredentialStage());
    this.clock = clock;
  }

  /** Sends a call's request, following the redirects its client would, each hop through the stages. */
  CompletableFuture<Outcome> send(Exchange exchange, WardenRequest request) {
    return hop(exchange, request, 0);
  }

  private CompletableFuture<Outcome> hop(Exchange exchange, WardenRequest request, int redirects) {
    CompletableFuture<Outcome> sent = sendOne(exchange, request, redirects);
    RedirectPolicy policy = exchange.call().redirects();
    if (policy == RedirectPolicy.NONE) {
      return sent;
    }
    return sent.thenCompose(outcome -> {
      WardenRequest next = Redirects.next(outcome, policy, redirects);
      if (next == null) {
        return CompletableFuture.completedFuture(outcome);
      }
      ((Outcome.Sent) outcome).response().discard();
      return hop(exchange, next, redirects + 1);
    });
  }

  /** One request: through the stages when it is for a site, else sent as it is (without credentials when it is a redirect hop). */
  private CompletableFuture<Outcome> sendOne(Exchange exchange, WardenRequest request, int redirects) {
    boolean redirected = redirects > 0;
    PathSegments path = PathSegments.parse(request.uri().getRawPath());
    Optional<Site> site = exchange.snapshot().siteFor(request.uri(), path);
    if (site.isEmpty()) {
      WardenRequest plain = redirected ? SiteRequests.anonymous(request) : request;
      return transport(exchange.call(), plain, managed, null, redirects).thenApply(response -> new Outcome.Sent(response, plain));
    }
    Site target = site.get();
    AuditRecord.Builder audit = AuditRecord.builder(request.method(), clock.epochNanos()).traceparent(exchange.traceparent());
    URI uri = request.uri();
    audit.put(AuditAttributes.URL_FULL, SiteRequests.redacted(uri))
        .put(AuditAttributes.SERVER_ADDRESS, uri.getHost())
        .put(AuditAttributes.SERVER_PORT, (long) (uri.getPort() >= 0 ? uri.getPort() : SiteUrl.defaultPort(uri.getScheme())));
    Hop hop = new Hop(exchange, request, target, path.drop(target.url().contextPath().size()), audit);
    hop.redirects = redirects;
    return proceed(hop, 0);
  }

  private CompletableFuture<Outcome> proceed(Hop hop, int index) {
    if (index < stages.size()) {
      return stages.get(index).handle(hop, next -> proceed(next, index + 1));
    }
    return transport(hop.exchange.call(), hop.request, managed, hop.attempt, hop.redirects)
        .handle((response, error) -> {
          if (error != null) {
            // The client's own failures (checked exceptions: I/O, protocol) reach the application as they are;
            // an unchecked one is a bug, answered like any internal error.
            Throwable cause = Gateway.cause(error);
            hop.transportFailed = !(cause instanceof RuntimeException) || cause instanceof java.io.UncheckedIOException;
            throw error instanceof CompletionException ce ? ce : new CompletionException(error);
          }
          return new Outcome.Sent(response, hop.entered);
        });
  }

  /** Sends through the client; while it does, a connection to the request's host and port is the client's (unmanaged-egress). */
  private static CompletableFuture<WardenResponse> transport(
      ClientCall<?> call, WardenRequest request, ManagedConnections managed, RetryStage.Attempt attempt, int redirects) {
    RedirectPolicy policy = call.redirects();
    ClientCall.Discarded discarded;
    if (policy == RedirectPolicy.NONE) {
      discarded = attempt == null ? ClientCall.Discarded.NONE : attempt::discards;
    } else {
      discarded = (status, headers) -> Redirects.follows(status, headers, request, policy, redirects)
          || (attempt != null && attempt.discards(status, headers));
    }
    String key = managed.begin(request.uri());
    CompletableFuture<WardenResponse> sent;
    try {
      sent = call.send(request, discarded);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.whenComplete((response, error) -> managed.end(key));
  }
}
