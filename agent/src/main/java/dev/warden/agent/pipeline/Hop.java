package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.decision.Decision;
import dev.warden.jira.Classification;
import dev.warden.jira.PathSegments;
import dev.warden.policy.Site;

/**
 * One request to a Jira site (a call, or one redirect hop of it) as it goes through the stages.
 * Stages read what earlier ones found and set what they find; they run one after another, never at
 * once, so no field needs guarding.
 */
final class Hop {

  final Exchange exchange;
  /** The request as the application made it, before Warden's changes. */
  final WardenRequest entered;
  final Site site;
  /** The path with the site's context path removed. */
  final PathSegments path;
  final AuditRecord.Builder audit;

  /** The request as it will be sent; stages replace it. */
  WardenRequest request;
  Classification classification;
  Decision decision;
  /** In dry-run: a rule would have denied it. */
  boolean wouldDeny;
  /** The client failed to send it (a connection error the application must see as it is). */
  boolean transportFailed;
  /** The attempt being sent (a retry of Jira's 429 is another), or {@code null} before {@link RetryStage}. */
  RetryStage.Attempt attempt;
  /** The credential that authenticated the last attempt, and the value it sent (for a 401: renew it once). */
  dev.warden.agent.credential.Authorization credential;
  String sentAuthorization;
  /** Whether Jira's 401 was already answered by renewing the credential. */
  boolean reauthenticated;
  /** Redirects followed before this hop. */
  int redirects;
  /** Time spent waiting for pauses and throttle tokens, across attempts. */
  private long waitedNanos;

  Hop(Exchange exchange, WardenRequest request, Site site, PathSegments path, AuditRecord.Builder audit) {
    this.exchange = exchange;
    this.entered = request;
    this.request = request;
    this.site = site;
    this.path = path;
    this.audit = audit;
  }

  /** Adds a wait to the hop's {@code warden.throttle.wait_ms}. */
  void waited(long nanos) {
    waitedNanos += nanos;
    audit.put(dev.warden.agent.audit.AuditAttributes.WARDEN_THROTTLE_WAIT_MS, Math.max(1, waitedNanos / 1_000_000));
  }

  /** Whether the policy is in dry-run mode. */
  boolean dryRun() {
    return exchange.snapshot().policy().dryRun();
  }

  /** The path as the application wrote it, for messages: without the query, which may hold secrets. */
  String rawPath() {
    String raw = entered.uri().getRawPath();
    return raw == null || raw.isEmpty() ? "/" : raw;
  }
}
