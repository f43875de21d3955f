package dev.warden.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes Warden's compact route catalog from Atlassian's OpenAPI descriptions: the Jira Cloud
 * platform, Jira Software Cloud and Jira Service Management Cloud APIs for {@code cloud} sites, and
 * the Jira Data Center API (platform and agile) for {@code data-center} sites. It names every
 * operation as a policy does (CONTRACT section 3), so the agent only reads the result.
 *
 * <p>A development tool, not part of the agent: run it when Atlassian publishes new descriptions,
 * and commit what it writes. {@code RouteCatalogTest} fails when the committed catalog and the
 * descriptions in {@code ../shared/jira} disagree.
 *
 * <pre>
 * mvn -q -pl policy-loader exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.warden.jira.RouteCatalogGenerator \
 *   -Dexec.args="../shared/jira policy-loader/src/main/resources/dev/warden/jira/routes.tsv"
 * </pre>
 */
public final class RouteCatalogGenerator {

  /** The descriptions, each with its family and the prefix its paths leave out. */
  enum Source {
    PLATFORM("jira-cloud-platform-openapi-v3.json", "cloud", "platform", ""),
    SOFTWARE("jira-software-cloud-openapi.json", "cloud", "software", ""),
    SERVICEDESK("jira-service-management-cloud-openapi.json", "cloud", "servicedesk", ""),
    DATA_CENTER("jira-data-center-10.3-openapi.json", "data-center", "datacenter", "/rest");

    final String file;
    final String flavor;
    final String family;
    final String prefix;

    Source(String file, String flavor, String family, String prefix) {
      this.file = file;
      this.flavor = flavor;
      this.family = family;
      this.prefix = prefix;
    }
  }

  /** HTTP methods an OpenAPI path item may describe. */
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private RouteCatalogGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: RouteCatalogGenerator SHARED-JIRA-DIRECTORY OUTPUT-TSV");
      System.exit(2);
    }
    String catalog = generate(Path.of(args[0]));
    Files.writeString(Path.of(args[1]), catalog, StandardCharsets.UTF_8);
    System.out.println("wrote " + args[1]);
  }

  /** One operation of one description, as read. */
  record Described(
      Source source,
      String method,
      String path,
      String operationId,
      Set<String> classic,
      List<Set<String>> granular,
      boolean deprecated,
      boolean experimental) {}

  /**
   * The catalog text for the descriptions in {@code directory}, byte for byte what is committed.
   */
  public static String generate(Path directory) {
    Map<Source, List<Described>> bySource = new HashMap<>();
    List<String> sources = new ArrayList<>();
    for (Source source : Source.values()) {
      JsonNode root = read(directory.resolve(source.file));
      JsonNode info = root.path("info");
      sources.add(
          source.family + ": " + info.path("title").asText() + " " + info.path("version").asText());
      bySource.put(source, describe(source, root));
    }

    // Cloud names: bare for the platform; bare for another family's operation unless the platform
    // or a second family has the same id, then qualified.
    Map<String, Set<Source>> familiesById = new HashMap<>();
    for (Source source : List.of(Source.PLATFORM, Source.SOFTWARE, Source.SERVICEDESK)) {
      for (Described op : bySource.get(source)) {
        familiesById.computeIfAbsent(op.operationId(), k -> new HashSet<>()).add(source);
      }
    }
    List<String[]> rows = new ArrayList<>();
    Map<String, Described> cloudByShape = new HashMap<>();
    Map<String, String> cloudNames = new HashMap<>();
    for (Source source : List.of(Source.PLATFORM, Source.SOFTWARE, Source.SERVICEDESK)) {
      for (Described op : bySource.get(source)) {
        Set<Source> families = familiesById.get(op.operationId());
        boolean bare = source == Source.PLATFORM || families.size() == 1;
        String name = bare ? op.operationId() : source.family + ":" + op.operationId();
        rows.add(row(op, name, source.family));
        if (source != Source.SERVICEDESK) {
          String shape = shape(op.method(), op.path());
          if (cloudByShape.put(shape, op) != null) {
            throw new IllegalStateException("two Cloud operations have the route " + shape);
          }
          cloudNames.put(shape, name);
        }
      }
    }
    // Data Center: an operation with a Cloud platform or Software operation's method and path is
    // its twin and takes its name, family and scopes; any other is datacenter:<operationId>.
    for (Described op : bySource.get(Source.DATA_CENTER)) {
      String shape = shape(op.method(), op.path());
      Described twin = cloudByShape.get(shape);
      if (twin != null) {
        rows.add(
            row(
                new Described(
                    op.source(),
                    op.method(),
                    op.path(),
                    op.operationId(),
                    twin.classic(),
                    twin.granular(),
                    op.deprecated(),
                    op.experimental()),
                cloudNames.get(shape),
                twin.source().family));
      } else {
        rows.add(row(op, "datacenter:" + op.operationId(), Source.DATA_CENTER.family));
      }
    }
    rows.sort(
        Comparator.<String[], String>comparing(r -> r[0])
            .thenComparing(r -> r[2])
            .thenComparing(r -> r[1]));

    StringBuilder out = new StringBuilder();
    out.append(
        "# Warden's Jira route catalog. Generated by RouteCatalogGenerator; do not edit by hand.\n");
    for (String source : sources) {
      out.append("# source: ").append(source).append('\n');
    }
    out.append(
        "# name: the operation's name in a policy: the operationId, qualified family:operationId\n"
            + "# where a bare id would name another family's operation; a Data Center operation\n"
            + "# with a Cloud operation's method and path takes that operation's name, family and\n"
            + "# scopes, any other is datacenter:<operationId>.\n"
            + "# scopes: the classic OAuth 2.0 scopes it needs ('-' where Atlassian names none),\n"
            + "# then each granular scope set that also lets a grant call it, '|' between them;\n"
            + "# each set by its number in the '@' lines ('-' alone: no scope at all).\n"
            + "# operationId: as its own description names it.\n");
    // Each distinct scope set once: most operations share theirs.
    Map<String, Integer> numbers = new LinkedHashMap<>();
    for (String[] row : rows) {
      if (row[6].equals("-")) {
        continue;
      }
      String[] sets = row[6].split("\\|");
      StringBuilder refs = new StringBuilder();
      for (int i = 0; i < sets.length; i++) {
        if (i > 0) {
          refs.append('|');
        }
        if (sets[i].equals("-")) {
          refs.append('-');
        } else {
          refs.append(numbers.computeIfAbsent(sets[i], k -> numbers.size()));
        }
      }
      row[6] = refs.toString();
    }
    out.append("# @number\tscope set\n");
    numbers.forEach(
        (set, number) -> out.append('@').append(number).append('\t').append(set).append('\n'));
    out.append("# flavor\tmethod\tpath\tname\tfamily\toperationId\tscopes\tflags\n");
    for (String[] row : rows) {
      out.append(String.join("\t", row)).append('\n');
    }
    return out.toString();
  }

  private static JsonNode read(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static List<Described> describe(Source source, JsonNode root) {
    List<Described> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : root.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (!METHODS.contains(op.getKey())) {
          continue;
        }
        JsonNode operation = op.getValue();
        out.add(
            new Described(
                source,
                op.getKey().toUpperCase(Locale.ROOT),
                source.prefix + path.getKey(),
                operation.path("operationId").asText(),
                classic(operation),
                granular(operation),
                operation.path("deprecated").asBoolean(false),
                operation.path("x-experimental").asBoolean(false)));
      }
    }
    return out;
  }

  /**
   * The classic OAuth 2.0 scopes the operation needs: the union of its {@code security} block's
   * classic OAuth 2.0 requirements (scopes such as {@code read:jira-work}, one {@code :}) and its
   * {@code x-atlassian-oauth2-scopes} {@code Current} entries; empty when Atlassian names none.
   */
  static Set<String> classic(JsonNode operation) {
    Set<String> classic = new TreeSet<>();
    for (JsonNode requirement : operation.path("security")) {
      Set<String> set = scopes(requirement.path("OAuth2"));
      if (set.stream().allMatch(RouteCatalogGenerator::isClassic)) {
        classic.addAll(set);
      }
    }
    for (JsonNode entry : operation.path("x-atlassian-oauth2-scopes")) {
      if ("Current".equals(entry.path("state").asText())) {
        classic.addAll(scopes(entry.path("scopes")));
      }
    }
    return classic;
  }

  /**
   * The granular scope sets, each of which lets a grant call the operation: its {@code
   * x-atlassian-oauth2-scopes} {@code Beta} entries and its {@code security} block's granular
   * requirements (Jira Software's, such as {@code read:sprint:jira-software}), without repeats.
   */
  static List<Set<String>> granular(JsonNode operation) {
    Set<Set<String>> sets = new LinkedHashSet<>();
    for (JsonNode requirement : operation.path("security")) {
      Set<String> set = scopes(requirement.path("OAuth2"));
      if (!set.isEmpty() && !set.stream().allMatch(RouteCatalogGenerator::isClassic)) {
        sets.add(set);
      }
    }
    for (JsonNode entry : operation.path("x-atlassian-oauth2-scopes")) {
      if ("Beta".equals(entry.path("state").asText())) {
        Set<String> set = scopes(entry.path("scopes"));
        if (!set.isEmpty()) {
          sets.add(set);
        }
      }
    }
    return List.copyOf(sets);
  }

  /** A classic scope has one {@code :} ({@code read:jira-work}); a granular one has two. */
  private static boolean isClassic(String scope) {
    return scope.indexOf(':') == scope.lastIndexOf(':');
  }

  private static Set<String> scopes(JsonNode scopes) {
    Set<String> set = new TreeSet<>();
    for (JsonNode scope : scopes) {
      set.add(scope.asText());
    }
    return set;
  }

  /**
   * A route's shape for finding twins: the method and the path with parameter names dropped and the
   * platform's version written as Cloud's.
   */
  static String shape(String method, String path) {
    String shaped = path.replaceAll("\\{[^}]+}", "{}");
    if (shaped.startsWith("/rest/api/2/")) {
      shaped = "/rest/api/3/" + shaped.substring("/rest/api/2/".length());
    }
    return method + " " + shaped;
  }

  private static String[] row(Described op, String name, String family) {
    List<String> flags = new ArrayList<>();
    if (op.deprecated()) {
      flags.add("deprecated");
    }
    if (op.experimental()) {
      flags.add("experimental");
    }
    List<String> sets = new ArrayList<>();
    sets.add(op.classic().isEmpty() ? "-" : String.join(" ", op.classic()));
    for (Set<String> set : op.granular()) {
      sets.add(String.join(" ", set));
    }
    return new String[] {
      op.source().flavor,
      op.method(),
      op.path(),
      name,
      family,
      op.operationId(),
      String.join("|", sets),
      String.join(" ", flags)
    };
  }
}
