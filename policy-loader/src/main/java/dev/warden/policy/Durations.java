package dev.warden.policy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as a policy writes them: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}. */
public final class Durations {

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  /** The forms, for messages. */
  static final String FORMS = "a duration such as 500ms, 2s, 1m or 1h";

  private Durations() {}

  /** The duration, or {@code null} when the text is not one. */
  public static Duration parse(String text) {
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      return null;
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  /** A duration written back in the shortest exact form: {@code 1m}, {@code 1500ms}. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
