package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.credential.Authorization;
import dev.warden.decision.Decision;
import dev.warden.jira.Classification;
import dev.warden.jira.PathSegments;
import dev.warden.policy.Site;

/**
 * One request to a Jira site (a call, or one redirect hop of it) as it goes through the stages. A
 * value: a stage that learns something passes a copy with it to the next stage ({@link
 * #classified}, {@link #decided}, ...), and the hop that reached the network comes back in the
 * {@link Outcome}, so that no stage reads what another wrote into a shared field. The audit record
 * is the one thing the stages fill together: each attribute has one stage that sets it.
 */
final class Hop {

  /** What a hop is from the start: whose call, which request to which site, and its record. */
  private record Entry(
      Exchange exchange,
      WardenRequest entered,
      Site site,
      PathSegments path,
      AuditRecord.Builder audit,
      int redirects) {}

  private final Entry entry;
  private final WardenRequest request;
  private final Classification classification;
  private final Decision decision;
  private final Attempt attempt;
  private final Authentication authentication;
  private final boolean wouldThrottle;

  private Hop(
      Entry entry,
      WardenRequest request,
      Classification classification,
      Decision decision,
      Attempt attempt,
      Authentication authentication,
      boolean wouldThrottle) {
    this.entry = entry;
    this.request = request;
    this.classification = classification;
    this.decision = decision;
    this.attempt = attempt;
    this.authentication = authentication;
    this.wouldThrottle = wouldThrottle;
  }

  /**
   * A hop as it enters the stages.
   *
   * @param path the request's path with the site's context path removed
   * @param redirects how many redirects Warden followed before this hop
   */
  static Hop enter(
      Exchange exchange,
      WardenRequest request,
      Site site,
      PathSegments path,
      AuditRecord.Builder audit,
      int redirects) {
    return new Hop(
        new Entry(exchange, request, site, path, audit, redirects),
        request,
        null,
        null,
        Attempt.FIRST,
        null,
        false);
  }

  /** This hop with its operation, scope, issue and projects known. */
  Hop classified(Classification found) {
    return new Hop(entry, request, found, decision, attempt, authentication, wouldThrottle);
  }

  /** This hop with the policy's decision. */
  Hop decided(Decision made) {
    return new Hop(entry, request, classification, made, attempt, authentication, wouldThrottle);
  }

  /** This hop as one attempt of it (a retry of Jira's 429 is another). */
  Hop attempt(Attempt next) {
    return new Hop(entry, request, classification, decision, next, authentication, wouldThrottle);
  }

  /** This hop with the site's credential set on the request to send. */
  Hop authenticated(WardenRequest withCredential, Authentication used) {
    return new Hop(entry, withCredential, classification, decision, attempt, used, wouldThrottle);
  }

  /** In dry-run: this hop would have been throttled (or held by a pause), and goes on. */
  Hop wouldThrottle() {
    return new Hop(entry, request, classification, decision, attempt, authentication, true);
  }

  Exchange exchange() {
    return entry.exchange();
  }

  /** The request as the application made it, before Warden's changes. */
  WardenRequest entered() {
    return entry.entered();
  }

  Site site() {
    return entry.site();
  }

  /** The path with the site's context path removed. */
  PathSegments path() {
    return entry.path();
  }

  AuditRecord.Builder audit() {
    return entry.audit();
  }

  /** Redirects Warden followed before this hop. */
  int redirects() {
    return entry.redirects();
  }

  /** The request as it will be sent. */
  WardenRequest request() {
    return request;
  }

  Classification classification() {
    return classification;
  }

  Decision decision() {
    return decision;
  }

  Attempt attempt() {
    return attempt;
  }

  /** The credential the request carries, once {@link CredentialStage} set it; else {@code null}. */
  Authentication authentication() {
    return authentication;
  }

  /** In dry-run: a throttle or pause would have held or refused this hop. */
  boolean throttledInDryRun() {
    return wouldThrottle;
  }

  /** Whether the policy is in dry-run mode. */
  boolean dryRun() {
    return entry.exchange().snapshot().policy().dryRun();
  }

  /** The issue the hop names, by key or else by id; {@code null} when none. */
  String issue() {
    return classification.issueKey() != null ? classification.issueKey() : classification.issueId();
  }

  /**
   * The path as the application wrote it, for messages: without the query, which may hold secrets.
   */
  String rawPath() {
    String raw = entry.entered().uri().getRawPath();
    return raw == null || raw.isEmpty() ? "/" : raw;
  }

  /**
   * The credential a request was sent with: which, and the header value (never printed), so that a
   * value Jira refused can be renewed.
   *
   * @param credential the credential
   * @param value the {@code Authorization} value sent
   */
  record Authentication(Authorization credential, String value) {
    @Override
    public String toString() {
      return "Authentication[" + credential.name() + "]";
    }
  }
}
