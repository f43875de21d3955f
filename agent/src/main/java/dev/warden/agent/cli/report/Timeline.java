package dev.warden.agent.cli.report;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened in each slot of time (a minute, or wider so that a long audit makes at most about
 * {@link #MAX_SLOTS} of them), for report's charts: calls by decision, Jira's 429s by reason,
 * throttle waits, and latency per operation (count, sum and max, enough for a mean and a peak).
 */
final class Timeline {

  static final int MAX_SLOTS = 1500;

  /** Slot widths a chart reads well with, narrowest first. */
  private static final long[] WIDTHS = {
    60_000L, 300_000L, 900_000L, 3_600_000L, 21_600_000L, 86_400_000L, 604_800_000L
  };

  /** One slot's figures. */
  static final class Slot {
    final long[] byDecision = new long[ReportData.DECISIONS.size() + 1];
    final Map<String, Long> limitedByReason = new HashMap<>(4);
    long throttledCalls;
    double waitSumMillis;
    double waitMaxMillis;

    /** Per operation: count, sum and max of the latency in milliseconds. */
    final Map<String, double[]> latency = new HashMap<>(8);
  }

  final long widthMillis;
  final TreeMap<Long, Slot> slots = new TreeMap<>();

  Timeline(long widthMillis) {
    this.widthMillis = widthMillis;
  }

  /**
   * A timeline whose slots cover {@code firstMillis} to {@code lastMillis} in at most about MAX.
   */
  static Timeline covering(long firstMillis, long lastMillis) {
    long span = Math.max(0, lastMillis - firstMillis);
    for (long width : WIDTHS) {
      if (span / width < MAX_SLOTS) {
        return new Timeline(width);
      }
    }
    long widest = WIDTHS[WIDTHS.length - 1];
    return new Timeline(((span / MAX_SLOTS) / widest + 1) * widest);
  }

  void add(AuditLines.Line line) {
    long start = Math.floorDiv(line.epochMillis, widthMillis) * widthMillis;
    Slot slot = slots.computeIfAbsent(start, ignored -> new Slot());
    int at = ReportData.DECISIONS.indexOf(line.decision);
    slot.byDecision[at < 0 ? ReportData.DECISIONS.size() : at]++;
    for (String reason : line.retriedReasons) {
      slot.limitedByReason.merge(reason, 1L, Long::sum);
    }
    if (ReportData.fromJira429(line)) {
      slot.limitedByReason.merge(line.rateLimitReason, 1L, Long::sum);
    }
    if (line.throttle != null) {
      double wait = Math.max(0, line.throttleWaitMillis);
      slot.throttledCalls++;
      slot.waitSumMillis += wait;
      slot.waitMaxMillis = Math.max(slot.waitMaxMillis, wait);
    }
    if (line.operation != null && !"unmanaged".equals(line.decision)) {
      double[] figures = slot.latency.computeIfAbsent(line.operation, ignored -> new double[3]);
      figures[0]++;
      figures[1] += line.durationMillis;
      figures[2] = Math.max(figures[2], line.durationMillis);
    }
  }
}
