package dev.warden.agent.log;

import java.util.Locale;

/** Log levels, most severe first. */
public enum Level {
  ERROR,
  WARN,
  INFO,
  DEBUG;

  /** The level a {@code log.level} setting names, or {@code null}. */
  public static Level parse(String text) {
    for (Level level : values()) {
      if (level.name().equalsIgnoreCase(text.trim())) {
        return level;
      }
    }
    return null;
  }

  /** The word written in log lines. */
  String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
