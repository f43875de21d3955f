package dev.warden.agent.cli.report;

/**
 * Durations in log-spaced buckets 2% wide, from 0.01 ms to about an hour: a fixed few kilobytes
 * however many are added, percentiles within 2%.
 */
final class Latencies {

  private static final double FLOOR_MILLIS = 0.01;
  private static final double GROWTH = 1.02;
  private static final double LOG_GROWTH = Math.log(GROWTH);
  private static final int BUCKETS = 1000;

  private final long[] counts = new long[BUCKETS + 1];
  private long total;
  private double max;
  private double sum;

  void add(double millis) {
    double value = Math.max(0, millis);
    int bucket =
        value <= FLOOR_MILLIS
            ? 0
            : (int) Math.min(BUCKETS, Math.ceil(Math.log(value / FLOOR_MILLIS) / LOG_GROWTH));
    counts[bucket]++;
    total++;
    sum += value;
    max = Math.max(max, value);
  }

  long count() {
    return total;
  }

  double max() {
    return max;
  }

  double mean() {
    return total == 0 ? 0 : sum / total;
  }

  /** The {@code q} quantile (0 to 1) in milliseconds: its bucket's upper edge, at most the max. */
  double quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, FLOOR_MILLIS * Math.pow(GROWTH, i));
      }
    }
    return max;
  }
}
