package dev.warden.jira;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.policy.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fuzz targets for what Warden reads of a request: path normalisation, classification and create
 * bodies. Properties: normalisation is idempotent and leaves no separator, dot segment or parameter
 * in a segment; every request is classified as an operation of its own method whose template spells
 * its path, or as {@code unknown}, so a write is never classified as a read (also a path built from
 * a write route's template with any parameter values); and a create body's projects, when Warden
 * says it knows them, include every project Jira could take from the body.
 */
class ClassificationFuzzTest {

  private static final RouteCatalog CATALOG = RouteCatalog.bundled();
  private static final Classifier CLASSIFIER = new Classifier(CATALOG);
  private static final Set<String> METHOD_OPERATIONS = new HashSet<>();
  private static final List<Route> WRITES;
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    for (Route route : CATALOG.routes()) {
      METHOD_OPERATIONS.add(route.method() + " " + route.operation().name());
    }
    WRITES =
        CATALOG.routes().stream()
            .filter(r -> List.of("POST", "PUT", "DELETE", "PATCH").contains(r.method()))
            .toList();
  }

  @FuzzTest(maxDuration = "10s")
  void pathNormalisation(byte[] data) {
    String raw = new String(data, StandardCharsets.ISO_8859_1);
    PathSegments once = PathSegments.parse(raw);
    for (String segment : once.segments()) {
      Fuzz.check(!segment.isEmpty(), "no empty segment", raw);
      Fuzz.check(!segment.equals(".") && !segment.equals(".."), "no dot segment", raw);
      Fuzz.check(
          segment.indexOf('/') < 0 && segment.indexOf('\\') < 0 && segment.indexOf(';') < 0,
          "no separator or parameter in a segment: " + once.segments(),
          raw);
    }
    PathSegments twice = PathSegments.parse(encode(once.segments()));
    Fuzz.check(
        twice.segments().equals(once.segments()),
        "normalisation is idempotent: " + once.segments() + " then " + twice.segments(),
        raw);
  }

  /** Input: the method, a newline, the raw path (a second newline, then the body of a create). */
  @FuzzTest(maxDuration = "10s")
  void classification(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    String method = newline < 0 ? "GET" : text.substring(0, Math.min(newline, 16));
    String rest = newline < 0 ? text : text.substring(newline + 1);
    int bodyAt = rest.indexOf('\n');
    String path = bodyAt < 0 ? rest : rest.substring(0, bodyAt);
    byte[] body = bodyAt < 0 ? null : rest.substring(bodyAt + 1).getBytes(StandardCharsets.UTF_8);
    PathSegments segments = PathSegments.parse(path);
    for (boolean dataCenter : new boolean[] {false, true}) {
      Classification c = CLASSIFIER.classify(method, segments, dataCenter, () -> body);
      Fuzz.check(c != null && c.operation() != null, "every request is classified", text);
      if (c.operation().isUnknown()) {
        Fuzz.check(c.routeTemplate() == null, "unknown has no template", text);
        continue;
      }
      String upper = method.toUpperCase(Locale.ROOT);
      String asRouted = upper.equals("HEAD") ? "GET" : upper;
      Fuzz.check(
          METHOD_OPERATIONS.contains(asRouted + " " + c.operation().name()),
          method + " classified as " + c.operation().name() + ", an operation of another method",
          text);
      Fuzz.check(
          spells(c.routeTemplate(), segments.segments()),
          c.routeTemplate() + " does not spell " + segments.segments(),
          text);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void writeRoutesWithAnyParameters(FuzzedDataProvider data) {
    Route route = WRITES.get(data.consumeInt(0, WRITES.size() - 1));
    StringBuilder path = new StringBuilder();
    for (String segment : route.template().split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      String value = segment;
      if (segment.startsWith("{")) {
        value = data.consumeString(40);
        if (value.isEmpty() || value.equals(".") || value.equals("..")) {
          value = "x";
        }
        value = encodeSegment(value);
      }
      path.append('/').append(value);
    }
    Classification c =
        CLASSIFIER.classify(
            route.method(), PathSegments.parse(path.toString()), route.dataCenter(), () -> null);
    // Unknown is allowed (and fails closed): a value Warden reads differently from Jira, such as
    // one that decodes to a ';' (Warden drops what follows as a path parameter), is no operation.
    Fuzz.check(
        c.operation().isUnknown()
            || METHOD_OPERATIONS.contains(route.method() + " " + c.operation().name()),
        route.method()
            + " "
            + route.template()
            + " ("
            + route.operation().name()
            + ") classified as "
            + c.operation().name(),
        path.toString());
  }

  @FuzzTest(maxDuration = "10s")
  void createBodies(byte[] data) {
    boolean bulk = data.length > 0 && (data[0] & 1) == 1;
    byte[] body = data.length > 0 ? java.util.Arrays.copyOfRange(data, 1, data.length) : data;
    ProjectRefs refs = CreateBodies.projects(body, bulk);
    String input = new String(body, StandardCharsets.UTF_8);
    Fuzz.check(refs != null, "a body's projects are known or unknown", input);
    Set<String> jira = jiraProjects(body, bulk);
    if (jira == null) {
      // Jira cannot read the body either (it answers 400).
      return;
    }
    if (refs.complete()) {
      Set<String> expected = new LinkedHashSet<>();
      jira.forEach(p -> expected.add(ProjectRefs.normalize(p)));
      Fuzz.check(
          !expected.isEmpty() && refs.values().containsAll(expected),
          "Warden says " + refs.values() + " but Jira could take " + expected,
          input);
    }
  }

  /**
   * Every project Jira could create in from this body, read as Jackson binds it (a repeated field:
   * the last one); {@code null} when it is not a JSON object.
   */
  private static Set<String> jiraProjects(byte[] body, boolean bulk) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      return null;
    }
    if (root == null || !root.isObject()) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    if (bulk) {
      for (JsonNode issue : root.path("issueUpdates")) {
        addProject(issue, out);
      }
    } else {
      addProject(root, out);
    }
    return out;
  }

  private static void addProject(JsonNode issue, Set<String> out) {
    JsonNode project = issue.path("fields").path("project");
    for (String field : List.of("key", "id")) {
      JsonNode value = project.path(field);
      if (value.isValueNode() && !value.isNull() && !value.asText().isBlank()) {
        out.add(value.asText());
      }
    }
  }

  /** Whether a template as called spells these segments ({@code {name}} for any one). */
  private static boolean spells(String template, List<String> segments) {
    List<String> parts =
        java.util.Arrays.stream(template.split("/")).filter(s -> !s.isEmpty()).toList();
    if (parts.size() != segments.size()) {
      return false;
    }
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      if (!(part.startsWith("{") && part.endsWith("}"))
          && !part.equalsIgnoreCase(segments.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The path that spells these segments, each percent-encoded but for unreserved characters. */
  private static String encode(List<String> segments) {
    StringBuilder out = new StringBuilder();
    for (String segment : segments) {
      out.append('/').append(encodeSegment(segment));
    }
    return out.toString();
  }

  private static String encodeSegment(String segment) {
    StringBuilder out = new StringBuilder();
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '~'
          || (c == '.' && !segment.equals(".") && !segment.equals(".."))) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }
}
