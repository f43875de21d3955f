package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AmbientTrace;
import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.audit.AuditSink;
import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.egress.ManagedConnections;
import dev.warden.agent.log.Log;
import dev.warden.agent.policy.PolicyHolder;
import dev.warden.agent.policy.PolicySnapshot;
import dev.warden.agent.policy.PolicyState;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.policy.SiteUrl;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where hooks hand calls to Warden. A hook asks {@link #isSiteOrigin} first, which costs a few
 * comparisons, and hands over only calls to a Jira site's host and port; everything else never
 * reaches Warden.
 */
public final class Gateway {

  private final PolicyHolder policies;
  private final Pipeline pipeline;
  private final AuditSink audit;
  private final WardenClock clock;
  private final ScheduledExecutorService scheduler;
  private final ManagedConnections managed;

  public Gateway(
      PolicyHolder policies,
      AuditSink audit,
      ThrottleRegistry throttles,
      WardenClock clock,
      ScheduledExecutorService scheduler) {
    this(policies, audit, throttles, clock, scheduler, new ManagedConnections());
  }

  /**
   * @param managed where sends through hooked clients are counted, for {@code unmanaged-egress}
   */
  public Gateway(
      PolicyHolder policies,
      AuditSink audit,
      ThrottleRegistry throttles,
      WardenClock clock,
      ScheduledExecutorService scheduler,
      ManagedConnections managed) {
    this.policies = policies;
    this.pipeline = new Pipeline(audit, throttles, clock, managed);
    this.managed = managed;
    this.audit = audit;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /**
   * The connections hooked clients are making, for {@code unmanaged-egress}. The pipeline marks a
   * send while it runs; a hook whose client connects before the hop reaches Warden (Reactor Netty)
   * marks the call itself.
   */
  public ManagedConnections managedConnections() {
    return managed;
  }

  /** Whether a request to this scheme, host and port may be for a Jira site. */
  public boolean isSiteOrigin(String scheme, String host, int port) {
    return scheme != null && host != null && policies.current().isSiteOrigin(scheme, host, port);
  }

  /**
   * Why a site's plain {@code http://} request through a proxy is not sent, logged (at most once a
   * minute): the client's own IOException carries it.
   */
  public static String proxiedRefusal() {
    String why =
        "warden: a request to a Jira site over plain http:// through a proxy is not sent: the"
            + " proxy would read the site's credential (use https://, or no proxy)";
    Log.get().warn(why.substring("warden: ".length()));
    return why;
  }

  /** Whether a request to this URI may be for a Jira site. */
  public boolean isSiteOrigin(URI uri) {
    String scheme = uri.getScheme();
    return scheme != null && isSiteOrigin(scheme, SiteUrl.hostOf(uri), SiteUrl.effectivePort(uri));
  }

  /**
   * What a hook does with a hop its client makes: a hop to a site goes to {@link #handle}; a later
   * hop of a call that went to a site, to any other host, goes without credentials; anything else
   * is untouched.
   *
   * @param afterSiteHop whether an earlier hop of the same call went to a site
   */
  public HopRoute route(String scheme, String host, int port, boolean afterSiteHop) {
    if (isSiteOrigin(scheme, host, port)) {
      return HopRoute.SITE;
    }
    return afterSiteHop ? HopRoute.OFF_SITE : HopRoute.UNTOUCHED;
  }

  /** {@link #route(String, String, int, boolean)} for a URI. */
  public HopRoute route(URI uri, boolean afterSiteHop) {
    return route(uri.getScheme(), SiteUrl.hostOf(uri), SiteUrl.effectivePort(uri), afterSiteHop);
  }

  /**
   * Handles one call: decides, throttles, authenticates, sends and audits it. Never throws: an
   * internal error is answered with a 503, and the client's own errors reach the application as the
   * client raised them.
   */
  public <N> CompletableFuture<N> handle(ClientCall<N> call) {
    return handle(call, null);
  }

  /** Where the current thread's call comes from, for a call that will run on another thread. */
  public Callsite capture() {
    PolicyState state = policies.current();
    return state instanceof PolicyState.Active active
        ? active.snapshot().callers().capture().withTraceparent(AmbientTrace.traceparent())
        : Callsite.UNKNOWN;
  }

  /**
   * Like {@link #handle(ClientCall)}, for a call issued earlier on another thread.
   *
   * @param issued where the call was issued (see {@link #capture()}), or {@code null} to find the
   *     caller on this thread
   */
  public <N> CompletableFuture<N> handle(ClientCall<N> call, Callsite issued) {
    try {
      PolicyState state = policies.current();
      WardenRequest request = call.request();
      if (state instanceof PolicyState.Unusable unusable) {
        if (unusable.covers(request.uri())) {
          return refuse(call, unusable);
        }
        return passThrough(call, request);
      }
      PolicySnapshot snapshot = ((PolicyState.Active) state).snapshot();
      Callsite callsite = issued != null ? issued : snapshot.callers().capture();
      Waiter waiter = call.blocking() ? Waiter.parking(clock) : Waiter.scheduled(scheduler);
      Exchange exchange =
          new Exchange(
              call,
              snapshot,
              callsite,
              issued != null,
              waiter,
              request.headers().first("traceparent"));
      return pipeline.send(exchange, request).thenCompose(outcome -> toNative(call, outcome));
    } catch (RuntimeException e) {
      Log.get().error("internal error before a Jira request was sent; answered 503 (" + e + ")");
      return call.answer(Answers.internalError());
    }
  }

  private static <N> CompletableFuture<N> toNative(ClientCall<N> call, Outcome outcome) {
    if (outcome instanceof Outcome.Answered answered) {
      return call.answer(answered.answer());
    }
    if (outcome instanceof Outcome.Failed failed) {
      return CompletableFuture.failedFuture(failed.error());
    }
    Outcome.Sent sent = (Outcome.Sent) outcome;
    return call.toNative(sent.response(), sent.request());
  }

  private static <N> CompletableFuture<N> passThrough(ClientCall<N> call, WardenRequest request) {
    return call.send(request, ClientCall.Discarded.NONE)
        .thenCompose(response -> call.toNative(response, request));
  }

  /**
   * No valid policy: the call is for a site the broken file names, so it is refused and audited.
   */
  private <N> CompletableFuture<N> refuse(ClientCall<N> call, PolicyState.Unusable unusable) {
    WardenRequest request = call.request();
    URI uri = request.uri();
    Answer answer = Answers.unavailable(unusable.reason());
    AuditRecord.Builder record =
        AuditRecord.builder(request.method(), clock.epochNanos())
            .traceparent(
                request.headers().first("traceparent") != null
                    ? request.headers().first("traceparent")
                    : AmbientTrace.traceparent())
            .put(AuditAttributes.URL_FULL, RequestCredentials.redacted(uri))
            .put(AuditAttributes.SERVER_ADDRESS, SiteUrl.hostOf(uri))
            .put(AuditAttributes.SERVER_PORT, (long) SiteUrl.effectivePort(uri))
            .put(AuditAttributes.JIRA_OPERATION, "unknown")
            .put(AuditAttributes.WARDEN_DECISION, Verdicts.of(answer))
            .put(AuditAttributes.HTTP_RESPONSE_STATUS_CODE, (long) answer.status())
            .put(AuditAttributes.ERROR_TYPE, Integer.toString(answer.status()));
    audit.record(record.end(clock.epochNanos()));
    return call.answer(answer);
  }

  /** Unwraps the exception a future failed with. */
  public static Throwable cause(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
