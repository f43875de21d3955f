package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.log.Log;
import dev.warden.agent.throttle.Pauses;
import dev.warden.agent.throttle.RateLimitSignal;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.policy.Retry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jira's own 429, and 503 with {@code Retry-After} (CONTRACT section 4): pauses the scope the
 * answer's {@code RateLimit-Reason} names, and sends the request again after the latest of
 * {@code Retry-After}, {@code X-RateLimit-Reset} and an exponential backoff with full jitter,
 * within the policy's {@code retry}, when its body can be replayed. Every retry goes through the
 * pause, the throttle and the credential again. Also slows a site's buckets while Jira says
 * {@code X-RateLimit-NearLimit}. Waits are spent by the call's {@link Waiter}: scheduled for an
 * asynchronous client, so no client I/O thread ever sleeps.
 *
 * <p>A hook may ask, as a response's header fields arrive, whether Warden will discard it (to keep
 * its body from the application): the verdict is made once per attempt and kept, so the answer
 * given then is the one acted on.
 */
final class RetryStage implements Stage {

  /** What the verdict says when a response is not retried. */
  static final long NO_RETRY = -1;

  private final ThrottleRegistry throttles;
  private final WardenClock clock;

  RetryStage(ThrottleRegistry throttles, WardenClock clock) {
    this.throttles = throttles;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    Retry retry = hop.exchange.snapshot().policy().retry();
    boolean replayable = !hop.dryRun() && retry.maxAttempts() > 1 && hop.exchange.call().resendable() && readBody(hop.request.body());
    return attempt(hop, next, retry, replayable, clock.nanoTime(), 1);
  }

  private CompletableFuture<Outcome> attempt(Hop hop, Chain next, Retry retry, boolean replayable, long startNanos, int number) {
    Attempt attempt = new Attempt(hop, retry, replayable, startNanos, number);
    hop.attempt = attempt;
    return next.proceed(hop).thenCompose(outcome -> {
      if (!(outcome instanceof Outcome.Sent sent)) {
        return CompletableFuture.completedFuture(outcome);
      }
      Headers headers = sent.response().headers();
      long delay = attempt.verdict(sent.status(), headers);
      if (!hop.dryRun()) {
        nearLimit(hop, headers);
      }
      if (delay == NO_RETRY) {
        return CompletableFuture.completedFuture(outcome);
      }
      sent.response().discard();
      Map<String, Object> event = new LinkedHashMap<>();
      event.put(AuditAttributes.HTTP_RESPONSE_STATUS_CODE, (long) sent.status());
      event.put("warden.retry.wait_ms", delay / 1_000_000);
      event.put("warden.retry.attempt", (long) number + 1);
      hop.audit.event(new AuditRecord.Event("warden.retry", clock.epochNanos(), event));
      hop.audit.put(AuditAttributes.HTTP_REQUEST_RESEND_COUNT, (long) number);
      return hop.exchange.waiter().delay(delay)
          .thenCompose(ignored -> attempt(hop, next, retry, replayable, startNanos, number + 1));
    });
  }

  /** Reads a body into memory before the first attempt, so that a retry sends the same bytes; false when it cannot be. */
  private static boolean readBody(Body body) {
    return body == Body.NONE || body.bytes() != null;
  }

  /** {@code X-RateLimit-NearLimit: true}: the site's buckets go at half rate until Jira's window resets (or a second). */
  private void nearLimit(Hop hop, Headers headers) {
    String near = headers.first("X-RateLimit-NearLimit");
    if (near == null) {
      near = headers.first("Beta-X-RateLimit-NearLimit");
    }
    if (near != null && near.trim().equalsIgnoreCase("true")) {
      long now = epochMillis();
      RateLimitSignal signal = RateLimitSignal.read(headers, now);
      long until = signal.resetEpochMillis() > now ? Math.min(signal.resetEpochMillis(), now + 60_000) : now + 1_000;
      throttles.slow(hop.site.id(), until);
    }
  }

  private long epochMillis() {
    return clock.epochNanos() / 1_000_000;
  }

  private static boolean idempotent(String method) {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
      default -> false;
    };
  }

  /** One attempt of a hop: its verdict on the response, made once. */
  final class Attempt {
    private final Hop hop;
    private final Retry retry;
    private final boolean replayable;
    private final long startNanos;
    private final int number;
    private boolean decided;
    private long delayNanos = NO_RETRY;

    Attempt(Hop hop, Retry retry, boolean replayable, long startNanos, int number) {
      this.hop = hop;
      this.retry = retry;
      this.replayable = replayable;
      this.startNanos = startNanos;
      this.number = number;
    }

    /**
     * How long past its {@code max-wait} this attempt may wait for a pause: a retry may wait until
     * {@code retry.max-elapsed} is up (it was promised one), the first attempt not at all.
     */
    long extraWaitNanos() {
      return number == 1 ? 0 : Math.max(0, startNanos + retry.maxElapsed().toNanos() - clock.nanoTime());
    }

    /** Whether Warden will discard this response to retry the request; asked by hooks as header fields arrive. */
    boolean discards(int status, Headers headers) {
      return verdict(status, headers) != NO_RETRY;
    }

    /**
     * The wait before the next attempt in nanoseconds, or {@link #NO_RETRY}. The first call decides,
     * pausing the scope Jira named; later calls repeat the answer.
     */
    synchronized long verdict(int status, Headers headers) {
      if (decided) {
        return delayNanos;
      }
      decided = true;
      if (status == 401 && !hop.dryRun() && !hop.reauthenticated && replayable && hop.credential != null && hop.credential.refreshable()) {
        // Jira refused the token (revoked, or expired early): renew it and send once more, at once.
        hop.reauthenticated = true;
        hop.credential.invalidate(hop.sentAuthorization);
        delayNanos = 0;
        return delayNanos;
      }
      boolean limited = status == 429;
      boolean unavailable = status == 503 && (headers.has("Retry-After") || headers.has("Beta-Retry-After"));
      if (!(limited || unavailable) || hop.dryRun()) {
        return delayNanos;
      }
      long now = epochMillis();
      RateLimitSignal signal = RateLimitSignal.read(headers, now);
      long jiraWait = signal.waitMillis(now);
      long backoff = backoffMillis(signal);
      pause(signal, now + (jiraWait > 0 ? jiraWait : backoff), status);
      if (!replayable || number >= retry.maxAttempts() || (unavailable && !idempotent(hop.request.method()))) {
        return delayNanos;
      }
      long wait = Math.max(jiraWait, backoff) * 1_000_000L;
      long elapsed = clock.nanoTime() - startNanos;
      if (elapsed + wait > retry.maxElapsed().toNanos()) {
        return delayNanos;
      }
      delayNanos = wait;
      return delayNanos;
    }

    /** Full jitter: uniform in [0, base * 2^(attempt-1)]; by Data Center's fill rate when it says {@code Retry-After: 0}. */
    private long backoffMillis(RateLimitSignal signal) {
      long ceiling = retry.baseDelay().toMillis() << Math.min(20, number - 1);
      ceiling = Math.min(ceiling, retry.maxElapsed().toMillis());
      long jittered = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
      return signal.tokenMillis() > 0 ? Math.max(jittered, signal.tokenMillis()) : jittered;
    }

    private void pause(RateLimitSignal signal, long untilEpochMillis, int status) {
      String site = hop.site.id();
      String issue = hop.classification.issueKey() != null ? hop.classification.issueKey() : hop.classification.issueId();
      Pauses.Scope scope;
      if (RateLimitSignal.PER_ISSUE_ON_WRITE.equals(signal.reason()) && issue != null && Pauses.isWrite(hop.request.method())) {
        scope = Pauses.Scope.issueWrites(site, issue);
      } else if (RateLimitSignal.BURST.equals(signal.reason()) || RateLimitSignal.PER_ISSUE_ON_WRITE.equals(signal.reason())) {
        // An issue's write limit on a request that names no issue (a link, a bulk edit): that endpoint, not the site.
        scope = Pauses.Scope.endpoint(site, hop.request.method(), hop.classification.routeTemplate());
      } else {
        scope = Pauses.Scope.site(site);
      }
      throttles.pauses().pause(scope, untilEpochMillis);
      Log.get().info("Jira answered " + status + (signal.reason() == null ? "" : " (" + signal.reason() + ")")
          + ": pausing " + scope + " as it asked");
    }
  }
}
