package dev.warden.agent.log;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Warden's log: one line per message on standard error, {@code [warden] level: message}. A message
 * repeated within a minute is written once; the next time it may be written again it says how many
 * times it was held back.
 *
 * <p>Messages name files, settings, sites, rules and credentials, never a secret value.
 */
public final class Log {

  private static final long MINUTE_NANOS = 60_000_000_000L;
  private static volatile Log global = new Log(System.err, Level.INFO, System::nanoTime);

  private final PrintStream out;
  private final Level level;
  private final LongSupplier nanoTime;
  private final Map<String, Repeat> repeats = new ConcurrentHashMap<>();

  /**
   * @param out where lines go
   * @param level the least severe level written
   * @param nanoTime the clock that times repeats
   */
  public Log(PrintStream out, Level level, LongSupplier nanoTime) {
    this.out = out;
    this.level = level;
    this.nanoTime = nanoTime;
  }

  /** The log Warden writes to. */
  public static Log get() {
    return global;
  }

  /** Replaces the log (at start-up, once settings are read). */
  public static void set(Log log) {
    global = log;
  }

  public boolean enabled(Level at) {
    return at.ordinal() <= level.ordinal();
  }

  public void error(String message) {
    write(Level.ERROR, message);
  }

  public void warn(String message) {
    write(Level.WARN, message);
  }

  public void info(String message) {
    write(Level.INFO, message);
  }

  public void debug(String message) {
    write(Level.DEBUG, message);
  }

  /** Writes a line at a level, unless the same message was written within the last minute. */
  public void write(Level at, String message) {
    if (!enabled(at)) {
      return;
    }
    long now = nanoTime.getAsLong();
    Repeat repeat = repeats.computeIfAbsent(message, k -> new Repeat());
    long held;
    synchronized (repeat) {
      if (repeat.written && now - repeat.lastWritten < MINUTE_NANOS) {
        repeat.held++;
        return;
      }
      held = repeat.held;
      repeat.held = 0;
      repeat.lastWritten = now;
      repeat.written = true;
    }
    if (repeats.size() > 10_000) {
      repeats.clear();
    }
    String suffix =
        held == 0
            ? ""
            : " (repeated " + held + " more time" + (held == 1 ? "" : "s") + " in the last minute)";
    out.println("[warden] " + at.word() + ": " + message + suffix);
  }

  private static final class Repeat {
    boolean written;
    long lastWritten;
    long held;
  }
}
