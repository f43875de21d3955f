package dev.warden.agent.bootstrap;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Warden's settings: from the agent argument ({@code key=value} pairs separated by {@code ,}), the
 * system property {@code warden.<key>}, or the environment variable {@code WARDEN_<KEY>} (upper
 * case, {@code .} and {@code -} as {@code _}), in that order of precedence.
 */
public final class Settings {

  private final Map<String, String> arguments;
  private final Properties properties;
  private final Map<String, String> environment;

  private Settings(
      Map<String, String> arguments, Properties properties, Map<String, String> environment) {
    this.arguments = arguments;
    this.properties = properties;
    this.environment = environment;
  }

  /** The settings of this JVM. */
  public static Settings of(String agentArguments) {
    return of(agentArguments, System.getProperties(), System.getenv());
  }

  /** Settings over explicit sources, for tests. */
  public static Settings of(
      String agentArguments, Properties properties, Map<String, String> environment) {
    return new Settings(parseArguments(agentArguments), properties, environment);
  }

  /** Parses {@code key=value,key=value}; a pair without {@code =} is a key with an empty value. */
  static Map<String, String> parseArguments(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = (eq < 0 ? pair : pair.substring(0, eq)).trim();
      String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
      out.put(key, value);
    }
    return out;
  }

  /**
   * The environment variable that carries a setting: {@code audit.file} is {@code
   * WARDEN_AUDIT_FILE}.
   */
  public static String environmentName(String key) {
    return "WARDEN_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The value of a setting, or {@code null} when none of the sources sets it. */
  public String get(String key) {
    String value = arguments.get(key);
    if (value == null) {
      value = properties.getProperty("warden." + key);
    }
    if (value == null) {
      value = environment.get(environmentName(key));
    }
    return value;
  }

  /** The value of a setting, or {@code fallback}. */
  public String get(String key, String fallback) {
    String value = get(key);
    return value == null ? fallback : value;
  }

  /** Whether Warden is enabled: {@code enabled} is anything but {@code false}. */
  public boolean enabled() {
    return !"false".equalsIgnoreCase(get("enabled", "true").trim());
  }

  /** The keys given as agent arguments, for reporting unknown ones. */
  public Map<String, String> arguments() {
    return Collections.unmodifiableMap(arguments);
  }

  /**
   * Every {@code otel.*} setting given the Warden way ({@code warden.otel.*}, {@code
   * WARDEN_OTEL_*}, or an agent argument).
   */
  public Map<String, String> otelOverrides() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> env : environment.entrySet()) {
      if (env.getKey().startsWith("WARDEN_OTEL_")) {
        out.put(
            env.getKey().substring("WARDEN_".length()).toLowerCase(Locale.ROOT).replace('_', '.'),
            env.getValue());
      }
    }
    for (String name : properties.stringPropertyNames()) {
      if (name.startsWith("warden.otel.")) {
        out.put(name.substring("warden.".length()), properties.getProperty(name));
      }
    }
    for (Map.Entry<String, String> argument : arguments.entrySet()) {
      if (argument.getKey().startsWith("otel.")) {
        out.put(argument.getKey(), argument.getValue());
      }
    }
    return out;
  }
}
