package dev.warden.agent.cli.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a report says, gathered from audit records one at a time: counts by decision, site,
 * operation, rule and caller; denials and throttles by rule and caller; Jira's 429s by reason;
 * latency per operation. Memory grows with the number of distinct sites, operations, rules and
 * callers (a few thousand at most), never with the number of records.
 */
final class ReportData {

  /** The decisions a report counts apart. */
  static final List<String> DECISIONS =
      List.of(
          "allow", "deny", "throttled", "unavailable", "would-deny", "would-throttle", "unmanaged");

  /** One name's calls, by decision, and their latency. */
  static final class Tally {
    final String name;
    final long[] byDecision = new long[DECISIONS.size() + 1];
    long calls;
    final Latencies latency = new Latencies();

    Tally(String name) {
      this.name = name;
    }

    void add(AuditLines.Line line) {
      calls++;
      int at = DECISIONS.indexOf(line.decision);
      byDecision[at < 0 ? DECISIONS.size() : at]++;
      latency.add(line.durationMillis);
    }

    long of(String decision) {
      int at = DECISIONS.indexOf(decision);
      return at < 0 ? byDecision[DECISIONS.size()] : byDecision[at];
    }

    long denied() {
      return of("deny") + of("would-deny");
    }

    long throttled() {
      return of("throttled") + of("would-throttle");
    }
  }

  long records;
  long firstMillis = Long.MAX_VALUE;
  long lastMillis = Long.MIN_VALUE;
  final Map<String, Tally> decisions = new HashMap<>();
  final Map<String, Tally> sites = new HashMap<>();
  final Map<String, Tally> operations = new HashMap<>();
  final Map<String, Tally> rules = new HashMap<>();
  final Map<String, Tally> callers = new HashMap<>();
  final Map<String, Tally> denials = new HashMap<>();
  final Map<String, Tally> throttles = new HashMap<>();
  final Map<String, Long> jira429s = new HashMap<>();
  final Latencies throttleWaits = new Latencies();

  /** The figures over time, when a page is made; else {@code null}. */
  Timeline timeline;

  void add(AuditLines.Line line) {
    records++;
    firstMillis = Math.min(firstMillis, line.epochMillis);
    lastMillis = Math.max(lastMillis, line.epochMillis);
    tally(decisions, line.decision, line);
    tally(sites, orDash(line.site), line);
    if (!"unmanaged".equals(line.decision)) {
      tally(operations, orDash(line.operation), line);
    }
    tally(rules, orDash(line.rule), line);
    tally(callers, orDash(line.caller), line);
    if ("deny".equals(line.decision) || "would-deny".equals(line.decision)) {
      tally(denials, orDash(line.rule) + "\t" + orDash(line.caller), line);
    }
    if ("throttled".equals(line.decision) || "would-throttle".equals(line.decision)) {
      tally(throttles, orDash(line.rule) + "\t" + orDash(line.caller), line);
    }
    if (line.throttle != null) {
      throttleWaits.add(Math.max(0, line.throttleWaitMillis));
    }
    for (String reason : line.retriedReasons) {
      jira429s.merge(reason, 1L, Long::sum);
    }
    if (fromJira429(line)) {
      jira429s.merge(line.rateLimitReason, 1L, Long::sum);
    }
    if (timeline != null) {
      timeline.add(line);
    }
  }

  /** Whether the response the application got was a 429 (or a 503 asking to wait) Jira sent. */
  static boolean fromJira429(AuditLines.Line line) {
    return line.rateLimitReason != null
        && (line.status == 429 || line.status == 503)
        && !"deny".equals(line.decision)
        && !"throttled".equals(line.decision)
        && !"unavailable".equals(line.decision);
  }

  private static void tally(Map<String, Tally> into, String name, AuditLines.Line line) {
    into.computeIfAbsent(name, Tally::new).add(line);
  }

  private static String orDash(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }

  /** The tallies, most calls first (then by name), at most {@code limit}. */
  static List<Tally> top(Map<String, Tally> tallies, int limit) {
    List<Tally> sorted = new ArrayList<>(tallies.values());
    sorted.sort(
        Comparator.comparingLong((Tally t) -> t.calls).reversed().thenComparing(t -> t.name));
    return sorted.size() > limit ? sorted.subList(0, limit) : sorted;
  }
}
