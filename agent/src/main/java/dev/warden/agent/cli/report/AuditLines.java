package dev.warden.agent.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The audit files a report reads (each named file with its rotations, {@code <file>.N} oldest
 * first, a file named twice read once), streamed a line at a time into {@link Line}s: one line in
 * memory at once, whatever the files' size. A line that is not an audit record is counted and the
 * first such place remembered, never fatal.
 */
final class AuditLines {

  private static final JsonFactory JSON = new JsonFactory();

  /** What a report needs of one audit record. */
  static final class Line {
    long epochMillis;
    double durationMillis;
    String decision;
    String site;
    String operation;
    String rule;
    String caller;
    String throttle;
    double throttleWaitMillis = -1;
    long status = -1;
    String errorType;
    String rateLimitReason;

    /** {@code jira.project.key}: a key, or several joined by {@code ,} (a bulk create). */
    String project;

    /** {@code jira.project.id}: a create's project named by id only. */
    String projectId;

    /** The {@code jira.rate_limit.reason} of each retry event that has one. */
    final List<String> retriedReasons = new ArrayList<>(2);

    void clear() {
      epochMillis = 0;
      durationMillis = 0;
      decision = null;
      site = null;
      operation = null;
      rule = null;
      caller = null;
      throttle = null;
      throttleWaitMillis = -1;
      status = -1;
      errorType = null;
      rateLimitReason = null;
      project = null;
      projectId = null;
      retriedReasons.clear();
    }
  }

  private final List<Path> files;
  private long malformed;
  private String firstMalformed;

  private AuditLines(List<Path> files) {
    this.files = files;
  }

  /**
   * The files named, each followed by nothing and preceded by its rotations, oldest first.
   *
   * @throws NoSuchFileException for a named file that does not exist (with no rotations either)
   */
  static AuditLines of(List<String> named) throws IOException {
    Set<Path> seen = new LinkedHashSet<>();
    for (String name : named) {
      Path file = Path.of(name);
      List<Path> rotated = new ArrayList<>();
      for (int n = 1; Files.exists(sibling(file, n)); n++) {
        rotated.add(0, sibling(file, n));
      }
      if (!Files.exists(file) && rotated.isEmpty()) {
        throw new NoSuchFileException(name);
      }
      if (Files.exists(file)) {
        rotated.add(file);
      }
      for (Path one : rotated) {
        seen.add(one.toRealPath(LinkOption.NOFOLLOW_LINKS));
      }
    }
    return new AuditLines(List.copyOf(seen));
  }

  private static Path sibling(Path file, int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  List<Path> files() {
    return files;
  }

  /** A reader that replaces bytes that are no UTF-8 (a line cut by a crash) instead of failing. */
  private static BufferedReader reader(Path file) throws IOException {
    return new BufferedReader(
        new java.io.InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8));
  }

  /** Lines that were not audit records. */
  long malformed() {
    return malformed;
  }

  /** Where the first of them was, as {@code FILE:LINE}, or {@code null}. */
  String firstMalformed() {
    return firstMalformed;
  }

  /** Reads every record of every file into {@code each}; the {@link Line} is reused. */
  void forEach(Consumer<Line> each) throws IOException {
    malformed = 0;
    firstMalformed = null;
    Line line = new Line();
    for (Path file : files) {
      try (BufferedReader reader = reader(file)) {
        String text;
        long number = 0;
        while ((text = reader.readLine()) != null) {
          number++;
          if (text.isBlank()) {
            continue;
          }
          line.clear();
          if (parse(text, line)) {
            each.accept(line);
          } else {
            malformed++;
            if (firstMalformed == null) {
              firstMalformed = file + ":" + number;
            }
          }
        }
      }
    }
  }

  /**
   * Reads only each record's time (the first pass of a report that needs the newest record or the
   * span of time): the {@code time} field is found in the text, not parsed with the rest.
   */
  void forEachTime(java.util.function.LongConsumer each) throws IOException {
    for (Path file : files) {
      try (BufferedReader reader = reader(file)) {
        String text;
        while ((text = reader.readLine()) != null) {
          int at = text.indexOf("\"time\":\"");
          if (at < 0) {
            continue;
          }
          int from = at + 8;
          int to = text.indexOf('"', from);
          if (to < 0) {
            continue;
          }
          try {
            each.accept(Instant.parse(text.substring(from, to)).toEpochMilli());
          } catch (DateTimeParseException e) {
            // Counted as malformed by the full pass.
          }
        }
      }
    }
  }

  /** Whether the text was an audit record (a JSON object with a time and a decision). */
  static boolean parse(String text, Line line) {
    try (JsonParser json = JSON.createParser(text)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      String time = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case "time" -> time = value == JsonToken.VALUE_STRING ? json.getText() : null;
          case "duration_ms" -> {
            if (value.isNumeric()) {
              line.durationMillis = json.getDoubleValue();
            }
          }
          case "attributes" -> attributes(json, line);
          case "events" -> events(json, line);
          default -> json.skipChildren();
        }
      }
      if (time == null || line.decision == null) {
        return false;
      }
      line.epochMillis = Instant.parse(time).toEpochMilli();
      return true;
    } catch (IOException | DateTimeParseException | IllegalStateException e) {
      return false;
    }
  }

  private static void attributes(JsonParser json, Line line) throws IOException {
    if (json.currentToken() != JsonToken.START_OBJECT) {
      json.skipChildren();
      return;
    }
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String key = json.currentName();
      JsonToken value = json.nextToken();
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        json.skipChildren();
        continue;
      }
      switch (key) {
        case "warden.decision" -> line.decision = json.getText();
        case "jira.site" -> line.site = json.getText();
        case "jira.operation" -> line.operation = json.getText();
        case "warden.rule" -> line.rule = json.getText();
        case "warden.caller" -> line.caller = json.getText();
        case "warden.throttle" -> line.throttle = json.getText();
        case "warden.throttle.wait_ms" -> {
          if (value.isNumeric()) {
            line.throttleWaitMillis = json.getDoubleValue();
          }
        }
        case "http.response.status_code" -> {
          if (value.isNumeric()) {
            line.status = json.getLongValue();
          }
        }
        case "error.type" -> line.errorType = json.getText();
        case "jira.rate_limit.reason" -> line.rateLimitReason = json.getText();
        case "jira.project.key" -> line.project = json.getText();
        case "jira.project.id" -> line.projectId = json.getText();
        default -> {}
      }
    }
  }

  private static void events(JsonParser json, Line line) throws IOException {
    if (json.currentToken() != JsonToken.START_ARRAY) {
      json.skipChildren();
      return;
    }
    while (json.nextToken() == JsonToken.START_OBJECT) {
      String name = null;
      String reason = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        if (field.equals("name") && value == JsonToken.VALUE_STRING) {
          name = json.getText();
        } else if (field.equals("attributes") && value == JsonToken.START_OBJECT) {
          while (json.nextToken() == JsonToken.FIELD_NAME) {
            String key = json.currentName();
            JsonToken inner = json.nextToken();
            if (key.equals("jira.rate_limit.reason") && inner == JsonToken.VALUE_STRING) {
              reason = json.getText();
            } else {
              json.skipChildren();
            }
          }
        } else {
          json.skipChildren();
        }
      }
      if ("warden.retry".equals(name) && reason != null) {
        line.retriedReasons.add(reason);
      }
    }
  }
}
