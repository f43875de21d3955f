package dev.warden.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** "Did you mean" for names a policy misspelled. */
final class Suggestions {

  private Suggestions() {}

  /**
   * Up to {@code limit} known names closest to {@code word}, closest first; none when nothing is
   * close.
   */
  static List<String> nearest(String word, Collection<String> known, int limit) {
    String lower = word.toLowerCase(Locale.ROOT);
    int threshold = Math.max(2, lower.length() / 3);
    List<String[]> scored = new ArrayList<>();
    for (String candidate : known) {
      String candidateLower = candidate.toLowerCase(Locale.ROOT);
      int distance = distance(lower, candidateLower);
      if (candidateLower.contains(lower) || lower.contains(candidateLower)) {
        distance = Math.min(distance, threshold);
      }
      if (distance <= threshold) {
        scored.add(new String[] {candidate, Integer.toString(distance)});
      }
    }
    scored.sort(
        Comparator.<String[]>comparingInt(s -> Integer.parseInt(s[1])).thenComparing(s -> s[0]));
    return scored.stream().limit(limit).map(s -> s[0]).toList();
  }

  /** {@code "; did you mean 'x'?"}, or empty when nothing is close. */
  static String didYouMean(String word, Collection<String> known) {
    List<String> nearest = nearest(word, known, 3);
    if (nearest.isEmpty()) {
      return "";
    }
    return "; did you mean "
        + String.join(", ", nearest.stream().map(n -> "'" + n + "'").toList())
        + "?";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
