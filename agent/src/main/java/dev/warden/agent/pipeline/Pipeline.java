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
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request path every hooked client shares. Each hop to a Jira site goes through these stages,
 * in this order:
 *
 * <ol>
 *   <li>{@link AuditStage}: records the hop, whatever happens below; internal errors fail closed;
 *   <li>{@link ClassifyStage}: operation, scope, issue and projects;
 *   <li>{@link DecideStage}: the policy's rules; a denial is answered here;
 *   <li>{@link CoalesceStage}: identical concurrent GETs a {@code coalesce} rule allows share one
 *       response;
 *   <li>{@link RetryStage}: the attempts, and what Jira's responses to them change ({@link
 *       ResponseRules});
 *   <li>{@link PauseStage}: waits out a pause Jira asked for, or answers 429 past {@code max-wait};
 *   <li>{@link ThrottleStage}: a token, or a wait, or a 429;
 *   <li>{@link CredentialStage}: the site's {@code Authorization}, the application's credentials
 *       removed;
 * </ol>
 *
 * <p>and is then sent through the application's own client. A hop to a host that is not a site is
 * sent with no credential at all. Redirects the client would follow unseen are followed here, each
 * hop decided anew.
 */
final class Pipeline {

  private final List<Stage> stages;
  private final WardenClock clock;
  private final ManagedConnections managed;
  private final AuditSink audit;

  Pipeline(
      AuditSink audit, ThrottleRegistry throttles, WardenClock clock, ManagedConnections managed) {
    this.audit = audit;
    this.managed = managed;
    this.clock = clock;
    this.stages =
        List.of(
            new AuditStage(audit, clock),
            new ClassifyStage(),
            new DecideStage(),
            new CoalesceStage(),
            new RetryStage(
                new ResponseEffects(throttles),
                clock,
                b -> ThreadLocalRandom.current().nextLong(b)),
            new PauseStage(throttles, clock),
            new ThrottleStage(throttles),
            new CredentialStage(tokenFetches()));
  }

  /** Where tokens are fetched for asynchronous clients: threads made only when one is needed. */
  private static ExecutorService tokenFetches() {
    return Executors.newCachedThreadPool(
        runnable -> {
          Thread thread = new Thread(runnable, "warden-token");
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * Sends a call's request, following the redirects its client would, each hop through the stages.
   */
  CompletableFuture<Outcome> send(Exchange exchange, WardenRequest request) {
    // The whole call, every hop of it, is in flight until its outcome is known: the exit waits for
    // it (Auditor#awaitCalls).
    Object inFlight = audit.opened();
    CompletableFuture<Outcome> sent;
    try {
      sent = hop(exchange, request, 0);
    } catch (RuntimeException | Error e) {
      audit.ended(inFlight);
      throw e;
    }
    sent.whenComplete((outcome, error) -> audit.ended(inFlight));
    return sent;
  }

  private CompletableFuture<Outcome> hop(Exchange exchange, WardenRequest request, int redirects) {
    CompletableFuture<Outcome> sent = sendOne(exchange, request, redirects);
    RedirectPolicy policy = exchange.call().redirects();
    if (policy == RedirectPolicy.NONE) {
      return sent;
    }
    return sent.thenCompose(
        outcome -> {
          WardenRequest next = Redirects.next(outcome, policy, redirects);
          if (next == null) {
            return CompletableFuture.completedFuture(outcome);
          }
          ((Outcome.Sent) outcome).response().discard();
          return hop(exchange, next, redirects + 1);
        });
  }

  /**
   * One request: through the stages when it is for a site, else sent as it is (without credentials
   * when it is a redirect hop).
   */
  private CompletableFuture<Outcome> sendOne(
      Exchange exchange, WardenRequest request, int redirects) {
    PathSegments path = PathSegments.parse(request.uri().getRawPath());
    Optional<Site> site = exchange.snapshot().siteFor(request.uri(), path);
    if (site.isEmpty()) {
      WardenRequest plain = redirects > 0 ? RequestCredentials.offSite(request) : request;
      return transport(exchange.call(), plain, null, redirects);
    }
    URI uri = request.uri();
    AuditRecord.Builder audit =
        AuditRecord.builder(request.method(), clock.epochNanos())
            .traceparent(exchange.traceparent())
            .put(AuditAttributes.URL_FULL, RequestCredentials.redacted(uri))
            .put(AuditAttributes.SERVER_ADDRESS, SiteUrl.hostOf(uri))
            .put(AuditAttributes.SERVER_PORT, (long) SiteUrl.effectivePort(uri));
    int resends = redirects == 0 ? exchange.call().clientResends() : 0;
    if (resends > 0) {
      audit.put(AuditAttributes.HTTP_REQUEST_RESEND_COUNT, (long) resends);
    }
    Site target = site.get();
    Hop hop =
        Hop.enter(
            exchange,
            request,
            target,
            path.drop(target.url().contextPath().size()),
            audit,
            redirects);
    return proceed(hop, 0);
  }

  private CompletableFuture<Outcome> proceed(Hop hop, int index) {
    if (index < stages.size()) {
      return stages.get(index).handle(hop, next -> proceed(next, index + 1));
    }
    return transport(hop.exchange().call(), hop.request(), hop, hop.redirects());
  }

  /**
   * Whether a request would carry the site's credential where a proxy reads it: plain {@code
   * http://} through any proxy, in absolute form or in a tunnel (an {@code https://} request is
   * readable by the site alone).
   */
  private static boolean readableOnTheWay(ClientCall<?> call, URI uri) {
    return "http".equalsIgnoreCase(uri.getScheme()) && call.forwardProxied(uri);
  }

  /**
   * Sends through the client; while it does, a connection to the request's host and port is the
   * client's (unmanaged-egress). The client's own failures (checked exceptions: I/O, protocol) are
   * an {@link Outcome.Failed} the application gets as they are; an unchecked one is a bug, left to
   * fail the future and be answered like any internal error.
   *
   * @param hop the hop to a site, or {@code null} for a request to another host
   */
  private CompletableFuture<Outcome> transport(
      ClientCall<?> call, WardenRequest request, Hop hop, int redirects) {
    RedirectPolicy policy = call.redirects();
    ClientCall.Discarded discarded;
    if (policy == RedirectPolicy.NONE) {
      discarded =
          hop == null
              ? ClientCall.Discarded.NONE
              : (status, headers) -> hop.attempt().discards(hop, status, headers);
    } else {
      discarded =
          (status, headers) ->
              Redirects.follows(status, headers, request, policy, redirects)
                  || (hop != null && hop.attempt().discards(hop, status, headers));
    }
    WardenRequest entered = hop == null ? request : hop.entered();
    String key = managed.begin(request.uri());
    CompletableFuture<WardenResponse> sent;
    try {
      sent =
          hop != null && hop.authentication() != null && readableOnTheWay(call, request.uri())
              ? CompletableFuture.failedFuture(new java.io.IOException(Gateway.proxiedRefusal()))
              : call.send(request, discarded);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle(
        (response, error) -> {
          managed.end(key);
          if (error == null) {
            return new Outcome.Sent(response, entered, hop);
          }
          Throwable cause = Gateway.cause(error);
          if (cause instanceof RuntimeException && !(cause instanceof UncheckedIOException)) {
            throw error instanceof CompletionException ce ? ce : new CompletionException(error);
          }
          return new Outcome.Failed(cause, hop);
        });
  }
}
