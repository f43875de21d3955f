package dev.warden.policy;

import dev.warden.jira.Operation;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.Words.Effect;
import dev.warden.policy.yaml.Node;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code rules} section's entries. */
final class RuleReader {

  static final List<String> KEYS =
      List.of(
          "id",
          "effect",
          "throttle",
          "coalesce",
          "sites",
          "callers",
          "operations",
          "projects",
          "methods");

  /** A class, {@code pkg.*} or {@code pkg.**}. */
  static final Pattern CALLER_GLOB =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*(\\.\\*\\*|\\.\\*)?");

  private static final Pattern PROJECT = Pattern.compile("[A-Za-z][A-Za-z0-9_]*|[0-9]+");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

  private final RouteCatalog catalog;
  private final Problems problems;
  private final Set<String> siteIds;
  private final Set<String> throttles;

  RuleReader(RouteCatalog catalog, Problems problems, Set<String> siteIds, Set<String> throttles) {
    this.catalog = catalog;
    this.problems = problems;
    this.siteIds = siteIds;
    this.throttles = throttles;
  }

  /** One rule, or {@code null} when it has problems (reported). */
  Rule read(Node node, int index) {
    String where = "rule #" + (index + 1);
    if (node instanceof Node.MapNode map
        && map.entry("id") != null
        && map.entry("id").value() instanceof Node.ScalarNode s
        && s.text() != null) {
      where = "rule '" + s.text() + "'";
    }
    Section section = Section.of(node, where, problems, KEYS);
    Section.Scalar id = section.requiredText("id", "allow-issue-reads");
    if (id != null && id.text().equals(Rule.DEFAULT_DENY)) {
      problems.add(
          id.mark(),
          "rule id '"
              + Rule.DEFAULT_DENY
              + "' is Warden's name for \"no rule matched\"; choose another id");
      id = null;
    }
    Effect effect = section.word("effect", Effect.class, null);
    if (effect == null && !section.has("effect")) {
      problems.add(section.mark(), where + " has no 'effect'; add effect: allow (or deny)");
    }
    Section.Scalar throttle = section.text("throttle");
    if (throttle != null && !throttles.contains(throttle.text())) {
      problems.add(
          throttle.mark(),
          where
              + " names throttle '"
              + throttle.text()
              + "', which is not under 'throttles'"
              + Suggestions.didYouMean(throttle.text(), throttles));
      throttle = null;
    }
    Boolean coalesce = section.bool("coalesce");
    if (Boolean.TRUE.equals(coalesce) && effect == Effect.DENY) {
      problems.add(
          section.markOf("coalesce"),
          "'coalesce' of "
              + where
              + " applies to requests a rule allows; remove it from this deny rule");
    }
    if (throttle != null && effect == Effect.DENY) {
      problems.add(
          section.markOf("throttle"),
          "'throttle' of "
              + where
              + " applies to requests a rule allows; remove it from this deny rule");
    }
    List<String> callers = callers(section);
    List<String> operations = operations(section);
    List<String> projects = projects(section);
    List<String> methods = methods(section);
    List<String> sites = sites(section);
    if (id == null
        || effect == null
        || sites == null
        || callers == null
        || operations == null
        || projects == null
        || methods == null) {
      return null;
    }
    return new Rule(
        id.text(),
        effect,
        Optional.ofNullable(throttle).map(Section.Scalar::text),
        Boolean.TRUE.equals(coalesce),
        sites,
        callers,
        operations,
        projects,
        methods,
        section.mark());
  }

  private List<String> sites(Section section) {
    boolean ok = true;
    List<String> out = new ArrayList<>();
    for (Section.Scalar site : section.list("sites")) {
      if (siteIds.contains(site.text())) {
        out.add(site.text());
      } else {
        ok = false;
        problems.add(
            site.mark(),
            section.where()
                + " names site '"
                + site.text()
                + "', which is not under 'sites'"
                + Suggestions.didYouMean(site.text(), siteIds));
      }
    }
    return ok ? out : null;
  }

  private List<String> callers(Section section) {
    boolean ok = true;
    List<String> out = new ArrayList<>();
    for (Section.Scalar caller : section.list("callers")) {
      if (CALLER_GLOB.matcher(caller.text()).matches()) {
        out.add(caller.text());
      } else {
        ok = false;
        problems.add(
            caller.mark(),
            "caller '"
                + caller.text()
                + "' of "
                + section.where()
                + " is not a class or package glob; write com.acme.sync.SyncJob, com.acme.sync.* or com.acme.**");
      }
    }
    return ok ? out : null;
  }

  private List<String> operations(Section section) {
    boolean ok = true;
    Set<String> out = new LinkedHashSet<>();
    for (Section.Scalar operation : section.list("operations")) {
      String name = operation.text();
      Optional<Operation> named = catalog.operation(name);
      if (named.isPresent()) {
        // By the name the catalog gives it: platform:getIssue is getIssue.
        out.add(named.get().name());
        continue;
      }
      if (catalog.scopes().contains(name)
          || name.equals(Operation.UNSCOPED)
          || name.equals(Operation.UNKNOWN.name())) {
        out.add(name);
        continue;
      }
      ok = false;
      List<String> shared = catalog.ambiguous(name);
      if (!shared.isEmpty()) {
        problems.add(
            operation.mark(),
            "operation '"
                + name
                + "' in "
                + section.where()
                + " is in more than one API family; write "
                + String.join(" or ", shared));
        continue;
      }
      List<String> known = new ArrayList<>(catalog.names());
      known.addAll(catalog.scopes());
      List<String> nearest = Suggestions.nearest(name, known, 3);
      problems.add(
          operation.mark(),
          "unknown operation '"
              + name
              + "' in "
              + section.where()
              + (nearest.isEmpty() ? "" : "; did you mean " + String.join(", ", nearest) + "?")
              + " Operations are Atlassian operationIds (getIssue, createIssue, software:getIssue, ...), OAuth scopes (read:jira-work, ...), unscoped or unknown");
    }
    return ok ? List.copyOf(out) : null;
  }

  private List<String> projects(Section section) {
    boolean ok = true;
    List<String> out = new ArrayList<>();
    for (Section.Scalar project : section.list("projects")) {
      if (PROJECT.matcher(project.text()).matches()) {
        out.add(project.text().toUpperCase(Locale.ROOT));
      } else {
        ok = false;
        problems.add(
            project.mark(),
            "project '"
                + project.text()
                + "' of "
                + section.where()
                + " is not a project key or id; write a key such as OPS (letters, digits, _) or a numeric id");
      }
    }
    return ok ? out : null;
  }

  private List<String> methods(Section section) {
    boolean ok = true;
    List<String> out = new ArrayList<>();
    for (Section.Scalar method : section.list("methods")) {
      String upper = method.text().toUpperCase(Locale.ROOT);
      if (METHODS.contains(upper)) {
        out.add(upper);
      } else {
        ok = false;
        problems.add(
            method.mark(),
            "method '"
                + method.text()
                + "' of "
                + section.where()
                + " is not an HTTP method; write GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS");
      }
    }
    return ok ? out : null;
  }
}
