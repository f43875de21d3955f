package dev.warden.agent.metrics;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditLosses;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.audit.Decisions;
import dev.warden.agent.credential.RefreshCounts;
import dev.warden.agent.throttle.RemainingRequests;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Warden's own metrics (CONTRACT section 6), made from what Warden already knows, so that the
 * request path records nothing of its own: each call's counters and histograms are recorded from
 * its audit record on the audit thread; the rest are read when the SDK collects (what Jira said was
 * left, the records lost, the credentials' renewals, the shared stores' state). Attribute sets are
 * made once per distinct set and kept (the audit thread alone uses them: no lock); every value
 * comes from a bounded set (site ids, operation names, decisions, status codes, rule ids, the known
 * reasons), never a URL, key, project or caller.
 */
public final class WardenMetrics {

  /** The contract's bucket boundaries for durations, in seconds. */
  public static final List<Double> DURATION_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

  /** The reasons Jira gives that keep their name; any other is {@code other}. */
  static final Set<String> REASONS =
      Set.of(
          "jira-burst-based",
          "jira-per-issue-on-write",
          "jira-quota-global-based",
          "jira-quota-tenant-based",
          "none");

  /** How many distinct attribute sets are kept; past it they are made per record. */
  private static final int MAX_KEPT = 4096;

  static final AttributeKey<String> SITE = AttributeKey.stringKey(AuditAttributes.JIRA_SITE);
  static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey(AuditAttributes.JIRA_OPERATION);
  static final AttributeKey<String> DECISION =
      AttributeKey.stringKey(AuditAttributes.WARDEN_DECISION);
  static final AttributeKey<Long> STATUS =
      AttributeKey.longKey(AuditAttributes.HTTP_RESPONSE_STATUS_CODE);
  static final AttributeKey<String> RULE = AttributeKey.stringKey(AuditAttributes.WARDEN_RULE);
  static final AttributeKey<String> THROTTLE =
      AttributeKey.stringKey(AuditAttributes.WARDEN_THROTTLE);
  static final AttributeKey<String> REASON =
      AttributeKey.stringKey(AuditAttributes.JIRA_RATE_LIMIT_REASON);
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey(AuditAttributes.ERROR_TYPE);
  static final AttributeKey<String> ADDRESS =
      AttributeKey.stringKey(AuditAttributes.SERVER_ADDRESS);
  static final AttributeKey<Long> PORT = AttributeKey.longKey(AuditAttributes.SERVER_PORT);
  static final AttributeKey<String> CREDENTIAL =
      AttributeKey.stringKey(AuditAttributes.WARDEN_CREDENTIAL);

  private final AuditLosses losses;
  private final RemainingRequests remaining;
  private final RefreshCounts refreshes;
  private final StoreStates stores;

  /** The throttles whose buckets a store keeps, each with whether it serves now. */
  @FunctionalInterface
  public interface StoreStates {
    void forEach(java.util.function.BiConsumer<String, Boolean> each);

    StoreStates NONE = each -> {};
  }

  // Set by bind, then used by the audit thread only.
  private LongCounter requests;
  private DoubleHistogram duration;
  private DoubleHistogram throttleWait;
  private LongCounter rateLimited;
  private LongCounter retries;
  private LongCounter unmanaged;
  private final Map<Object, Attributes> kept = new HashMap<>();

  public WardenMetrics(AuditLosses losses, RemainingRequests remaining) {
    this(losses, remaining, new RefreshCounts(), StoreStates.NONE);
  }

  /**
   * @param refreshes how the credentials' token renewals ended
   * @param stores the throttles' shared stores and whether each serves
   */
  public WardenMetrics(
      AuditLosses losses,
      RemainingRequests remaining,
      RefreshCounts refreshes,
      StoreStates stores) {
    this.losses = losses;
    this.remaining = remaining;
    this.refreshes = refreshes;
    this.stores = stores;
  }

  /** Makes the instruments; once, on the audit thread, when Warden's SDK starts. */
  public void bind(Meter meter) {
    requests =
        meter
            .counterBuilder("warden.requests")
            .setUnit("{request}")
            .setDescription("Jira-bound calls, by site, operation, decision and status")
            .build();
    duration =
        meter
            .histogramBuilder("warden.request.duration")
            .setUnit("s")
            .setDescription(
                "From the hook to the response the application gets, waits and retries included")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    throttleWait =
        meter
            .histogramBuilder("warden.throttle.wait")
            .setUnit("s")
            .setDescription("Time a call waited for a throttle's token")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    rateLimited =
        meter
            .counterBuilder("warden.jira.rate_limited")
            .setUnit("{response}")
            .setDescription("Jira's 429s (and 503s asking to wait), by its RateLimit-Reason")
            .build();
    retries =
        meter
            .counterBuilder("warden.retries")
            .setUnit("{request}")
            .setDescription("Requests Warden sent again")
            .build();
    unmanaged =
        meter
            .counterBuilder("warden.unmanaged.connections")
            .setUnit("{connection}")
            .setDescription("Connections to a Jira site that no hooked client made")
            .build();
    meter
        .gaugeBuilder("warden.jira.rate_limit.remaining")
        .ofLongs()
        .setUnit("{request}")
        .setDescription("Jira's last X-RateLimit-Remaining, by site")
        .buildWithCallback(
            gauge ->
                remaining.forEach((site, left) -> gauge.record(left, Attributes.of(SITE, site))));
    meter
        .counterBuilder("warden.credential.refreshes")
        .setUnit("{refresh}")
        .setDescription("Token renewals of OAuth credentials, by how they ended")
        .buildWithCallback(
            counter ->
                refreshes.forEach(
                    (outcome, count) ->
                        counter.record(
                            count,
                            outcome.errorType() == null
                                ? Attributes.of(CREDENTIAL, outcome.credential())
                                : Attributes.of(
                                    CREDENTIAL, outcome.credential(),
                                    ERROR_TYPE, outcome.errorType()))));
    meter
        .gaugeBuilder("warden.store.shared")
        .ofLongs()
        .setUnit("1")
        .setDescription("1 while a throttle's shared store serves, 0 on its local fallback")
        .buildWithCallback(
            gauge ->
                stores.forEach(
                    (throttle, serving) ->
                        gauge.record(serving ? 1 : 0, Attributes.of(THROTTLE, throttle))));
    meter
        .counterBuilder("warden.audit.dropped")
        .setUnit("{record}")
        .setDescription("Audit records, spans or file lines lost, by why")
        .buildWithCallback(
            counter -> {
              for (AuditLosses.Reason reason : AuditLosses.Reason.values()) {
                counter.record(losses.count(reason), Attributes.of(ERROR_TYPE, reason.type()));
              }
            });
  }

  /** Records one call's figures from its audit record; audit thread only. */
  public void record(AuditRecord record) {
    if (requests == null) {
      return;
    }
    String decision = text(record, AuditAttributes.WARDEN_DECISION);
    if (Decisions.UNMANAGED.equals(decision)) {
      String address = text(record, AuditAttributes.SERVER_ADDRESS);
      Object port = record.attribute(AuditAttributes.SERVER_PORT);
      unmanaged.add(
          1,
          attributes(
              List.of("unmanaged", String.valueOf(address), String.valueOf(port)),
              () ->
                  Attributes.of(
                      ADDRESS,
                      String.valueOf(address),
                      PORT,
                      port instanceof Number n ? n.longValue() : -1L,
                      DECISION,
                      decision)));
      return;
    }
    String site = text(record, AuditAttributes.JIRA_SITE);
    String operation = text(record, AuditAttributes.JIRA_OPERATION);
    if (site == null || decision == null) {
      return;
    }
    String op = operation == null ? "unknown" : operation;
    Object statusValue = record.attribute(AuditAttributes.HTTP_RESPONSE_STATUS_CODE);
    Long status = statusValue instanceof Number n ? n.longValue() : null;
    String rule =
        Decisions.ALLOW.equals(decision) ? null : text(record, AuditAttributes.WARDEN_RULE);
    requests.add(1, requestAttributes(site, op, decision, status, rule));
    duration.record(
        Math.max(0, record.endEpochNanos() - record.startEpochNanos()) / 1e9,
        attributes(
            new Triple(site, op, decision),
            () -> Attributes.of(SITE, site, OPERATION, op, DECISION, decision)));
    String throttle = text(record, AuditAttributes.WARDEN_THROTTLE);
    if (throttle != null) {
      Object waited = record.attribute(AuditAttributes.WARDEN_THROTTLE_WAIT_MS);
      throttleWait.record(
          waited instanceof Number n ? n.doubleValue() / 1000 : 0,
          attributes(
              List.of("throttle", site, throttle),
              () -> Attributes.of(SITE, site, THROTTLE, throttle)));
    }
    Object resent = record.attribute(AuditAttributes.HTTP_REQUEST_RESEND_COUNT);
    if (resent instanceof Number n && n.longValue() > 0) {
      retries.add(
          n.longValue(),
          attributes(List.of("retries", site, op), () -> Attributes.of(SITE, site, OPERATION, op)));
    }
    for (AuditRecord.Event event : record.events()) {
      Object reason = event.attributes().get(AuditAttributes.JIRA_RATE_LIMIT_REASON);
      if (reason != null) {
        rateLimited.add(1, reasonAttributes(site, reason.toString()));
      }
    }
    String reason = text(record, AuditAttributes.JIRA_RATE_LIMIT_REASON);
    if (reason != null
        && status != null
        && (status == 429 || status == 503)
        && !Decisions.wardenAnswered(decision)) {
      rateLimited.add(1, reasonAttributes(site, reason));
    }
  }

  private Attributes requestAttributes(
      String site, String op, String decision, Long status, String rule) {
    return attributes(
        new Request(site, op, decision, status, rule),
        () -> {
          var builder =
              Attributes.builder().put(SITE, site).put(OPERATION, op).put(DECISION, decision);
          if (status != null) {
            builder.put(STATUS, status);
          }
          if (rule != null) {
            builder.put(RULE, rule);
          }
          return builder.build();
        });
  }

  private Attributes reasonAttributes(String site, String reason) {
    String known = REASONS.contains(reason) ? reason : "other";
    return attributes(
        List.of("reason", site, known), () -> Attributes.of(SITE, site, REASON, known));
  }

  private Attributes attributes(Object key, java.util.function.Supplier<Attributes> make) {
    Attributes found = kept.get(key);
    if (found == null) {
      found = make.get();
      if (kept.size() < MAX_KEPT) {
        kept.put(key, found);
      }
    }
    return found;
  }

  private static String text(AuditRecord record, String key) {
    Object value = record.attribute(key);
    return value == null ? null : value.toString();
  }

  private record Request(String site, String op, String decision, Long status, String rule) {}

  private record Triple(String site, String op, String decision) {}
}
