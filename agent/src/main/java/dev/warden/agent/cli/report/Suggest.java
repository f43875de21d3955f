package dev.warden.agent.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.warden.policy.LoadResult;
import dev.warden.policy.PolicyLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code java -jar warden-agent.jar suggest AUDIT-FILE... --policy CURRENT.yaml} (CONTRACT section
 * 2): a least-privilege policy learned from what the audit saw, typically in a dry-run week.
 *
 * <p>It keeps the current policy's sites, credentials, throttles, retry, {@code unmanaged-egress},
 * {@code caller-skip} and deny rules, then allows each calling class exactly the operations it used
 * on each site, with the projects it used them in: operations used with the same projects share a
 * rule, and an operation used where the project could not be known (a JQL search, a board) gets a
 * rule without {@code projects}. Calls whose caller was {@code unknown} get a last rule, commented
 * out (it would allow them to any code). Default deny follows. A call the current policy's own deny
 * rules denied stays denied. The output is checked before it is printed.
 */
public final class Suggest {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  /** The decisions whose calls the suggested policy allows. */
  static final Set<String> COUNTED = Set.of("allow", "would-deny", "throttled", "would-throttle");

  static final String USAGE_TEXT =
      "usage: java -jar warden-agent.jar suggest AUDIT-FILE... --policy CURRENT.yaml\n";

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private final PrintStream out;
  private final PrintStream err;

  public Suggest(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** What one calling class used on one site: operation to the projects it used it in. */
  static final class Usage {
    final Map<String, Set<String>> projects = new TreeMap<>();
    final Set<String> withoutProject = new TreeSet<>();
    final Set<String> throttles = new TreeSet<>();
    long calls;
  }

  public int run(String[] args) {
    List<String> files = new ArrayList<>();
    Path current = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--policy")) {
        if (i + 1 >= args.length) {
          return usage("--policy needs the current policy file");
        }
        current = Path.of(args[++i]);
      } else if (args[i].startsWith("--")) {
        return usage("unknown option " + args[i]);
      } else {
        files.add(args[i]);
      }
    }
    if (files.isEmpty() || current == null) {
      return usage("name the audit files and --policy CURRENT.yaml");
    }
    ObjectNode policy;
    try {
      JsonNode read = YAML.readTree(Files.readString(current));
      if (!(read instanceof ObjectNode object)) {
        err.println("warden: suggest: " + current + " is not a policy (no mapping at its top)");
        return FAILED;
      }
      policy = object;
    } catch (IOException e) {
      err.println(
          "warden: suggest: cannot read the policy " + current + " (" + e.getMessage() + ")");
      return FAILED;
    }
    Set<String> denyRuleIds = new HashSet<>();
    for (JsonNode rule : policy.path("rules")) {
      if ("deny".equals(rule.path("effect").asText())) {
        denyRuleIds.add(rule.path("id").asText());
      }
    }
    // Site and class to what it used; the unknown caller's under "".
    Map<String, Map<String, Usage>> used = new TreeMap<>();
    AuditLines lines;
    long[] counted = {0, 0};
    try {
      lines = AuditLines.of(files);
      lines.forEach(
          line -> {
            if (!COUNTED.contains(line.decision)
                || line.site == null
                || line.operation == null
                || denyRuleIds.contains(line.rule)) {
              counted[1]++;
              return;
            }
            counted[0]++;
            Usage usage =
                used.computeIfAbsent(line.site, s -> new TreeMap<>())
                    .computeIfAbsent(callerClass(line.caller), c -> new Usage());
            usage.calls++;
            if (line.project == null || line.project.isEmpty() || line.projectId != null) {
              usage.withoutProject.add(line.operation);
            } else {
              Set<String> keys =
                  usage.projects.computeIfAbsent(line.operation, o -> new TreeSet<>());
              for (String key : line.project.split(",")) {
                keys.add(key.trim());
              }
            }
            if (line.throttle != null) {
              usage.throttles.add(line.throttle);
            }
          });
    } catch (NoSuchFileException e) {
      err.println("warden: suggest: no audit file " + e.getFile());
      return FAILED;
    } catch (IOException e) {
      err.println("warden: suggest: cannot read the audit files (" + e.getMessage() + ")");
      return FAILED;
    }

    ObjectNode suggested = YAML.createObjectNode();
    suggested.put("version", 1);
    for (String key :
        List.of("unmanaged-egress", "caller-skip", "sites", "credentials", "throttles", "retry")) {
      if (policy.has(key)) {
        suggested.set(key, policy.get(key));
      }
    }
    ArrayNode rules = suggested.putArray("rules");
    Set<String> ids = new HashSet<>(denyRuleIds);
    ids.add("default-deny");
    // The learned rules take the place of the first allow rule: a deny rule keeps its order
    // against the calls the allow rules before it let through.
    List<JsonNode> denyAfter = new ArrayList<>();
    boolean pastFirstAllow = false;
    for (JsonNode rule : policy.path("rules")) {
      boolean deny = "deny".equals(rule.path("effect").asText());
      pastFirstAllow |= !deny;
      if (deny && pastFirstAllow) {
        denyAfter.add(rule);
      } else if (deny) {
        rules.add(rule);
      }
    }
    boolean severalSites = policy.path("sites").size() > 1;
    List<String> unknownCallerRules = new ArrayList<>();
    for (Map.Entry<String, Map<String, Usage>> site : used.entrySet()) {
      for (Map.Entry<String, Usage> caller : site.getValue().entrySet()) {
        List<ObjectNode> made =
            rulesFor(site.getKey(), caller.getKey(), caller.getValue(), severalSites, ids);
        if (caller.getKey().isEmpty()) {
          for (ObjectNode rule : made) {
            unknownCallerRules.add(yaml(rule));
          }
        } else {
          made.forEach(rules::add);
        }
      }
    }
    denyAfter.forEach(rules::add);
    StringBuilder text = new StringBuilder();
    text.append("# Suggested by warden suggest from ")
        .append(counted[0])
        .append(" audited calls (")
        .append(String.join(", ", lines.files().stream().map(Path::toString).toList()))
        .append(")")
        .append(lines.malformed() > 0 ? ", " + lines.malformed() + " lines unread" : "")
        .append(".\n# Every rule allows exactly what a class did; anything else is denied.\n");
    text.append(yaml(suggested));
    if (!unknownCallerRules.isEmpty()) {
      text.append(
          "  # Calls whose caller could not be found (caller unknown). A rule without callers would\n"
              + "  # allow these operations to any code in the service: enable it only knowingly.\n");
      for (String rule : unknownCallerRules) {
        for (String line : ("- " + rule.replace("\n", "\n  ")).strip().split("\n")) {
          text.append("  # ").append(line).append('\n');
        }
      }
    }
    text.append("  # Anything else: denied (default-deny).\n");
    LoadResult check = PolicyLoader.bundled().parse(text.toString(), "suggested policy");
    if (!check.errors().isEmpty()) {
      err.println("warden: suggest: the suggested policy does not pass check (a defect):");
      check.errors().forEach(problem -> err.println("  " + problem));
      return FAILED;
    }
    out.print(text);
    return OK;
  }

  /**
   * The allow rules of one class on one site: one per distinct set of projects, and one without
   * projects for the operations it used where the project could not be known.
   */
  private static List<ObjectNode> rulesFor(
      String site, String callerClass, Usage usage, boolean severalSites, Set<String> ids) {
    Map<Set<String>, Set<String>> byProjects =
        new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (Map.Entry<String, Set<String>> operation : usage.projects.entrySet()) {
      if (!usage.withoutProject.contains(operation.getKey())) {
        byProjects
            .computeIfAbsent(operation.getValue(), p -> new TreeSet<>())
            .add(operation.getKey());
      }
    }
    List<ObjectNode> rules = new ArrayList<>();
    String base =
        "allow-"
            + (callerClass.isEmpty()
                ? "unknown-caller"
                : callerClass.substring(callerClass.lastIndexOf('.') + 1).toLowerCase())
            + (severalSites ? "-" + site : "");
    if (!usage.withoutProject.isEmpty()) {
      rules.add(
          rule(
              unique(base, ids),
              site,
              callerClass,
              usage.withoutProject,
              null,
              usage,
              severalSites));
    }
    for (Map.Entry<Set<String>, Set<String>> group : byProjects.entrySet()) {
      rules.add(
          rule(
              unique(base, ids),
              site,
              callerClass,
              group.getValue(),
              group.getKey(),
              usage,
              severalSites));
    }
    return rules;
  }

  private static ObjectNode rule(
      String id,
      String site,
      String callerClass,
      Set<String> operations,
      Set<String> projects,
      Usage usage,
      boolean severalSites) {
    ObjectNode rule = YAML.createObjectNode();
    rule.put("id", id);
    rule.put("effect", "allow");
    if (severalSites) {
      rule.put("sites", site);
    }
    if (!callerClass.isEmpty()) {
      rule.put("callers", callerClass);
    }
    ArrayNode ops = rule.putArray("operations");
    operations.forEach(ops::add);
    if (projects != null) {
      ArrayNode keys = rule.putArray("projects");
      projects.forEach(keys::add);
    }
    if (usage.throttles.size() == 1 && !usage.throttles.contains("default")) {
      rule.put("throttle", usage.throttles.iterator().next());
    }
    return rule;
  }

  private static String unique(String base, Set<String> ids) {
    String id = base;
    for (int n = 2; !ids.add(id); n++) {
      id = base + "-" + n;
    }
    return id;
  }

  /** The class of {@code fully.qualified.Class.method}; {@code ""} when it is unknown. */
  static String callerClass(String caller) {
    if (caller == null || caller.equals("unknown") || caller.indexOf('.') < 0) {
      return "";
    }
    return caller.substring(0, caller.lastIndexOf('.'));
  }

  private static String yaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private int usage(String problem) {
    err.println("warden: suggest: " + problem);
    err.print(USAGE_TEXT);
    return USAGE;
  }
}
