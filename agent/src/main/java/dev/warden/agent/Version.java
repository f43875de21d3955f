package dev.warden.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Warden's version, from the build. */
public final class Version {

  private static final String VERSION = read();

  private Version() {}

  public static String get() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in =
        Version.class.getResourceAsStream("/dev/warden/agent/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
