package dev.warden.jira;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Jira's REST routes and the operations they are, generated from Atlassian's OpenAPI descriptions
 * (see {@code RouteCatalogGenerator}) and shipped as the resource {@code
 * dev/warden/jira/routes.tsv}: the Cloud platform, Software and Service Management APIs for Cloud
 * sites, the Data Center API (platform and agile) for Data Center sites.
 *
 * <p>Matching works like Jira's own router: path first, a literal segment before a parameter
 * ({@code /issue/bulk} is not an issue key), then the method; a path that exists but not for the
 * method, like one that does not exist at all, is {@link Operation#UNKNOWN}. A versioned module's
 * operations are found under each of its versions ({@code /rest/api/2}, {@code /3} and {@code
 * /latest} on Cloud; {@code /rest/agile/1.0} and {@code /latest}; see {@link Route}). Literal
 * segments match regardless of case.
 */
public final class RouteCatalog {

  private static final String RESOURCE = "/dev/warden/jira/routes.tsv";
  private static volatile RouteCatalog bundled;

  /** The routes of one site flavor, by name and in a tree for matching. */
  private static final class Part {
    final List<Route> routes;
    final Map<String, Operation> byName = new LinkedHashMap<>();
    final Node root = new Node();

    Part(List<Route> routes) {
      this.routes = List.copyOf(routes);
      for (Route route : routes) {
        byName.putIfAbsent(route.operation().name(), route.operation());
        insert(root, route);
      }
    }
  }

  private final Part cloud;
  private final Map<String, String> qualified;
  private final Map<String, List<String>> ambiguous;
  private final Set<String> scopes;
  private final List<String> sources;

  /**
   * Data Center's rows, parsed at the first need: most services talk to Jira Cloud only, and
   * parsing is most of what the catalog costs at start-up.
   */
  private final List<String> dataCenterRows;

  private final Set<String>[] scopeSets;
  private volatile Part dataCenter;

  private RouteCatalog(
      List<Route> cloudRoutes,
      List<String> dataCenterRows,
      Set<String>[] scopeSets,
      List<String> sources) {
    this.cloud = new Part(cloudRoutes);
    this.dataCenterRows = dataCenterRows;
    this.scopeSets = scopeSets;
    this.sources = List.copyOf(sources);
    // Every scope is a Cloud operation's: Data Center's twins take Cloud's, the others have none.
    Set<String> allScopes = new TreeSet<>();
    for (Set<String> set : scopeSets) {
      allScopes.addAll(set);
    }
    // family:operationId for every Cloud operation, and the bare ids two families share.
    Map<String, String> aliases = new LinkedHashMap<>();
    Map<String, List<String>> shared = new LinkedHashMap<>();
    for (Route route : cloudRoutes) {
      Operation op = route.operation();
      String alias = op.family() + ":" + op.operationId();
      if (!alias.equals(op.name())) {
        aliases.putIfAbsent(alias, op.name());
      }
      if (!cloud.byName.containsKey(op.operationId())) {
        List<String> names = shared.computeIfAbsent(op.operationId(), k -> new ArrayList<>());
        if (!names.contains(op.name())) {
          names.add(op.name());
        }
      }
    }
    this.qualified = Collections.unmodifiableMap(aliases);
    this.ambiguous = Collections.unmodifiableMap(shared);
    this.scopes = Collections.unmodifiableSet(allScopes);
  }

  /** The catalog shipped with Warden. */
  public static RouteCatalog bundled() {
    RouteCatalog catalog = bundled;
    if (catalog == null) {
      synchronized (RouteCatalog.class) {
        catalog = bundled;
        if (catalog == null) {
          try (InputStream in = RouteCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
              throw new IllegalStateException(
                  "Warden's route catalog " + RESOURCE + " is missing from the classpath");
            }
            catalog = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read Warden's route catalog " + RESOURCE, e);
          }
          bundled = catalog;
        }
      }
    }
    return catalog;
  }

  /**
   * Parses catalog text: {@code @number<TAB>scopes} lines define the scope sets; each row is
   * tab-separated flavor, method, path, name, family, operationId, scopes (the classic set's number
   * or {@code -}, then each granular set's, {@code |} between them; {@code -} alone for none) and
   * flags; {@code #} comments.
   */
  public static RouteCatalog parse(String text) {
    List<Route> cloudRoutes = new ArrayList<>();
    List<String> dataCenterRows = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    List<Set<String>> sets = new ArrayList<>();
    int number = 0;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end);
      start = end + 1;
      number++;
      if (line.startsWith("# source: ")) {
        sources.add(line.substring("# source: ".length()));
      } else if (line.startsWith("@")) {
        int tab = line.indexOf('\t');
        if (tab < 0 || !line.substring(1, tab).equals(Integer.toString(sets.size()))) {
          throw new IllegalArgumentException("malformed catalog row " + number + ": " + line);
        }
        sets.add(Set.of(line.substring(tab + 1).split(" ")));
      } else if (line.startsWith("data-center\t")) {
        // Checked when parsed: the number goes with it.
        dataCenterRows.add(number + "\t" + line);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        cloudRoutes.add(route(line, number, sets));
      }
    }
    @SuppressWarnings("unchecked")
    Set<String>[] scopeSets = sets.toArray(new Set[0]);
    return new RouteCatalog(cloudRoutes, dataCenterRows, scopeSets, sources);
  }

  /** One row; {@code number} names it in an error. */
  private static Route route(String line, int number, List<Set<String>> sets) {
    String[] cells = new String[8];
    int count = 0;
    int from = 0;
    while (count < 8) {
      int tab = line.indexOf('\t', from);
      cells[count++] = tab < 0 ? line.substring(from) : line.substring(from, tab);
      if (tab < 0) {
        break;
      }
      from = tab + 1;
    }
    if (count != 8
        || line.indexOf('\t', from) >= 0
        || !(cells[0].equals("cloud") || cells[0].equals("data-center"))) {
      throw new IllegalArgumentException("malformed catalog row " + number + ": " + line);
    }
    Set<String> classic = Set.of();
    List<Set<String>> granular = new ArrayList<>(2);
    if (!cells[6].equals("-")) {
      String[] refs = cells[6].split("\\|");
      try {
        classic = refs[0].equals("-") ? Set.of() : sets.get(Integer.parseInt(refs[0]));
        for (int i = 1; i < refs.length; i++) {
          granular.add(sets.get(Integer.parseInt(refs[i])));
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "malformed catalog row " + number + " (scope set " + cells[6] + "): " + line);
      }
    }
    String flags = cells[7];
    Operation operation =
        new Operation(
            cells[3],
            cells[4],
            cells[5],
            classic,
            granular,
            flags.contains("deprecated"),
            flags.contains("experimental"));
    return new Route(cells[0].equals("data-center"), cells[1], cells[2], operation);
  }

  /** Data Center's part, parsed at its first use. */
  private Part dataCenter() {
    Part part = dataCenter;
    if (part == null) {
      synchronized (this) {
        part = dataCenter;
        if (part == null) {
          List<Set<String>> sets = List.of(scopeSets);
          List<Route> routes = new ArrayList<>(dataCenterRows.size());
          for (String row : dataCenterRows) {
            int tab = row.indexOf('\t');
            routes.add(
                route(row.substring(tab + 1), Integer.parseInt(row.substring(0, tab)), sets));
          }
          part = new Part(routes);
          dataCenter = part;
        }
      }
    }
    return part;
  }

  /**
   * Makes Data Center's part ready now, when a policy names a Data Center site, rather than at its
   * first request.
   */
  public void prepareDataCenter() {
    dataCenter();
  }

  /** Every route, Cloud's then Data Center's, in catalog order. */
  public List<Route> routes() {
    List<Route> all = new ArrayList<>(cloud.routes);
    all.addAll(dataCenter().routes);
    return Collections.unmodifiableList(all);
  }

  /** The title and version of each description the catalog was generated from, by family. */
  public List<String> sources() {
    return sources;
  }

  /** The titles and versions as one line. */
  public String source() {
    return String.join("; ", sources);
  }

  /**
   * The operation a policy names: by its name ({@code getIssue}, {@code software:getIssue}, {@code
   * datacenter:currentUser}) or qualified by its family ({@code platform:getIssue}, {@code
   * software:getBoard}).
   */
  public Optional<Operation> operation(String name) {
    Operation operation = cloud.byName.get(name);
    if (operation == null) {
      String alias = qualified.get(name);
      if (alias != null) {
        operation = cloud.byName.get(alias);
      } else if (name.startsWith("datacenter:")) {
        operation = dataCenter().byName.get(name);
      }
    }
    return Optional.ofNullable(operation);
  }

  /**
   * The qualified names a bare operationId stands for when two families other than the platform
   * share it, so the bare id names none ({@code getProperty}: {@code software:getProperty}, {@code
   * servicedesk:getProperty}); empty otherwise.
   */
  public List<String> ambiguous(String bare) {
    return ambiguous.getOrDefault(bare, List.of());
  }

  /** Every operation's name. */
  public Set<String> operationIds() {
    Set<String> names = new LinkedHashSet<>(cloud.byName.keySet());
    names.addAll(dataCenter().byName.keySet());
    return Collections.unmodifiableSet(names);
  }

  /** Every name a policy may use: the operations' names and the qualified forms of bare ones. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>(operationIds());
    names.addAll(qualified.keySet());
    return names;
  }

  /** Every OAuth scope some operation's scope sets name. */
  public Set<String> scopes() {
    return scopes;
  }

  /**
   * The operation a request is.
   *
   * @param method the HTTP method
   * @param path the path with the site's context path removed
   * @param dataCenter whether the site is Jira Data Center (which adds routes of its own)
   */
  public RouteMatch match(String method, PathSegments path, boolean dataCenter) {
    Node node = find(dataCenter ? dataCenter().root : cloud.root, path.segments(), 0);
    if (node == null) {
      return RouteMatch.UNKNOWN;
    }
    Bound bound = node.routes.get(method);
    if (bound == null) {
      String upper = method.toUpperCase(Locale.ROOT);
      bound = node.routes.get(upper.equals("HEAD") ? "GET" : upper);
    }
    if (bound == null) {
      return RouteMatch.UNKNOWN;
    }
    return bind(bound, path);
  }

  private static RouteMatch bind(Bound bound, PathSegments path) {
    Map<String, String> parameters = new HashMap<>(4);
    for (int i = 0; i < bound.parameters.length; i++) {
      if (bound.parameters[i] != null) {
        parameters.put(bound.parameters[i], path.get(i));
      }
    }
    String template =
        bound.templates.length == 1
            ? bound.templates[0]
            : bound.templates[bound.versioned.indexOf(path.get(2))];
    return new RouteMatch(bound.route.operation(), template, parameters);
  }

  /**
   * A route prepared for binding: its parameter names by segment, and its template as the
   * application may have called it ({@code /rest/api/2/...}, {@code /3/...}, {@code /latest/...}).
   */
  private static final class Bound {
    final Route route;
    final String[] parameters;
    final List<String> segments;
    final Route.Versioned versioned;
    final String[] templates;

    Bound(Route route) {
      this.route = route;
      this.segments = route.segments();
      this.parameters = new String[segments.size()];
      for (int i = 0; i < segments.size(); i++) {
        if (Route.isParameter(segments.get(i))) {
          parameters[i] = segments.get(i).substring(1, segments.get(i).length() - 1);
        }
      }
      this.versioned = route.versioned(segments);
      this.templates = route.templates(versioned).toArray(String[]::new);
    }
  }

  private static void insert(Node root, Route route) {
    Bound bound = new Bound(route);
    List<String> segments = bound.segments;
    Route.Versioned versioned = bound.versioned;
    Node node = root;
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      if (versioned != null && i == 2) {
        // The module's version literals share one subtree.
        Node shared = node.literals.computeIfAbsent(versioned.canonical(), k -> new Node());
        for (String version : versioned.versions()) {
          node.literals.put(version, shared);
        }
        node = shared;
      } else if (Route.isParameter(segment)) {
        if (node.parameter == null) {
          node.parameter = new Node();
        }
        node = node.parameter;
      } else {
        node = node.literals.computeIfAbsent(segment.toLowerCase(Locale.ROOT), k -> new Node());
      }
    }
    node.routes.putIfAbsent(route.method(), bound);
  }

  /** Depth-first, literal before parameter: the first node where the whole path ends on a route. */
  private static Node find(Node node, List<String> segments, int index) {
    if (index == segments.size()) {
      return node.routes.isEmpty() ? null : node;
    }
    String segment = segments.get(index);
    Node literal = node.literals.get(segment);
    if (literal == null) {
      literal = node.literals.get(segment.toLowerCase(Locale.ROOT));
    }
    if (literal != null) {
      Node found = find(literal, segments, index + 1);
      if (found != null) {
        return found;
      }
    }
    return node.parameter == null ? null : find(node.parameter, segments, index + 1);
  }

  private static final class Node {
    final Map<String, Node> literals = new HashMap<>(4);
    Node parameter;
    final Map<String, Bound> routes = new HashMap<>(2);
  }
}
