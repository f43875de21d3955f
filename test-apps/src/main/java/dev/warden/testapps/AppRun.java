package dev.warden.testapps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * What a finished application JVM printed.
 *
 * @param exitCode its exit code
 * @param stdout its standard output, line by line
 * @param stderr its standard error, line by line (Warden logs here)
 * @param suppressed what {@code Hooks.suppressedCount()} was at the JVM's exit, as the test probe
 *     reported it; {@code null} when it did not (no Warden, or the JVM was killed)
 */
public record AppRun(int exitCode, List<String> stdout, List<String> stderr, String suppressed) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A run without the probe's report. */
  public AppRun(int exitCode, List<String> stdout, List<String> stderr) {
    this(exitCode, stdout, stderr, null);
  }

  /** A run whose standard error may end with the probe's report, which is taken out of it. */
  static AppRun of(int exitCode, List<String> stdout, List<String> stderr) {
    String suppressed = null;
    List<String> rest = new ArrayList<>(stderr.size());
    for (String line : stderr) {
      if (line.startsWith(dev.warden.testapps.probe.SuppressedProbe.PREFIX)) {
        suppressed =
            line.substring(dev.warden.testapps.probe.SuppressedProbe.PREFIX.length()).trim();
      } else {
        rest.add(line);
      }
    }
    return new AppRun(exitCode, stdout, List.copyOf(rest), suppressed);
  }

  /** The result lines of the sample application, in order: {@code {"step":n,...}}. */
  public List<JsonNode> steps() {
    List<JsonNode> out = new ArrayList<>();
    for (String line : stdout) {
      if (line.startsWith("{\"step\"")) {
        try {
          out.add(JSON.readTree(line));
        } catch (Exception e) {
          throw new IllegalStateException("unreadable result line: " + line, e);
        }
      }
    }
    return out;
  }

  /** The result line of step {@code n} (from 1). */
  public JsonNode step(int n) {
    return steps().stream()
        .filter(s -> s.path("step").asInt() == n)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result for step " + n + "; output:\n" + this));
  }

  /** The {@code {"versions":...}} line. */
  public JsonNode versions() throws Exception {
    for (String line : stdout) {
      if (line.startsWith("{\"versions\"")) {
        return JSON.readTree(line).path("versions");
      }
    }
    throw new AssertionError("no versions line; output:\n" + this);
  }

  /** Warden's log lines. */
  public List<String> wardenLog() {
    return stderr.stream().filter(l -> l.startsWith("[warden] ")).toList();
  }

  /** Everything the JVM printed. */
  public String all() {
    return String.join("\n", stdout) + "\n" + String.join("\n", stderr);
  }

  @Override
  public String toString() {
    return "exit "
        + exitCode
        + "\n--- stdout\n"
        + String.join("\n", stdout)
        + "\n--- stderr\n"
        + String.join("\n", stderr);
  }
}
