package dev.warden.agent.log;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends what Warden's bundled libraries log through {@code java.util.logging} (the OpenTelemetry
 * SDK reports failed exports there) to Warden's log, so every line Warden causes carries the {@code
 * [warden]} prefix and the once-a-minute limit, and none lands in the application's own logs.
 */
public final class JulBridge extends Handler {

  /** The logger of every relocated library inside the agent. */
  static final String SHADED = "dev.warden.shaded";

  /** Held so that the configured logger is not collected and forgotten. */
  private static volatile Logger configured;

  private JulBridge() {}

  /** Installs the bridge; the libraries' warnings and errors become Warden's. */
  public static synchronized void install() {
    if (configured != null) {
      return;
    }
    Logger logger = Logger.getLogger(SHADED);
    logger.setUseParentHandlers(false);
    logger.setLevel(java.util.logging.Level.WARNING);
    logger.addHandler(new JulBridge());
    configured = logger;
  }

  @Override
  public void publish(LogRecord record) {
    String message = record.getMessage();
    if (record.getThrown() != null) {
      message = message + " (" + record.getThrown() + ")";
    }
    String source =
        record.getLoggerName() == null
            ? ""
            : record.getLoggerName().replace(SHADED + ".", "") + ": ";
    Log.get()
        .write(
            record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()
                ? Level.ERROR
                : Level.WARN,
            "audit export: " + source + message);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
