package dev.warden.jira;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Jira's REST routes and the operations they are, generated from Atlassian's OpenAPI description
 * (see {@code RouteCatalogGenerator}) and shipped as the resource {@code
 * dev/warden/jira/routes.tsv}.
 *
 * <p>Matching works like Jira's own router: path first, a literal segment before a parameter
 * ({@code /issue/bulk} is not an issue key), then the method; a path that exists but not for the
 * method, like one that does not exist at all, is {@link Operation#UNKNOWN}. The operations under
 * {@code /rest/api/3} are also found under {@code /rest/api/2} and {@code /rest/api/latest}.
 * Literal segments match regardless of case.
 */
public final class RouteCatalog {

  private static final String RESOURCE = "/dev/warden/jira/routes.tsv";
  private static volatile RouteCatalog bundled;

  private final List<Route> routes;
  private final Map<String, Operation> operations;
  private final Set<String> scopes;
  private final String source;
  private final Node root = new Node();

  private RouteCatalog(List<Route> routes, String source) {
    this.routes = List.copyOf(routes);
    this.source = source;
    Map<String, Operation> byId = new LinkedHashMap<>();
    Set<String> allScopes = new TreeSet<>();
    for (Route route : routes) {
      byId.putIfAbsent(route.operation().id(), route.operation());
      allScopes.addAll(route.operation().scopes());
      insert(route);
    }
    this.operations = Collections.unmodifiableMap(byId);
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
   * Parses catalog text: tab-separated method, path, operationId, scopes and flags; {@code #}
   * comments.
   */
  public static RouteCatalog parse(String text) {
    List<Route> routes = new ArrayList<>();
    String source = "";
    try (BufferedReader reader = new BufferedReader(new java.io.StringReader(text))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("# source: ")) {
          source = line.substring("# source: ".length());
        }
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        if (cells.length < 4) {
          throw new IllegalArgumentException("malformed catalog row: " + line);
        }
        Set<String> scopes = cells[3].equals("-") ? Set.of() : Set.of(cells[3].split(" "));
        String flags = cells.length > 4 ? cells[4] : "";
        Operation operation =
            new Operation(
                cells[2], scopes, flags.contains("deprecated"), flags.contains("data-center"));
        routes.add(new Route(cells[0], cells[1], operation));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RouteCatalog(routes, source);
  }

  /** Every route, in catalog order. */
  public List<Route> routes() {
    return routes;
  }

  /** The title and version of the description the catalog was generated from. */
  public String source() {
    return source;
  }

  /** The operation with this operationId. */
  public Optional<Operation> operation(String id) {
    return Optional.ofNullable(operations.get(id));
  }

  /** Every known operationId. */
  public Set<String> operationIds() {
    return operations.keySet();
  }

  /** Every OAuth scope some operation needs. */
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
    Node node = find(root, path.segments(), 0);
    if (node == null) {
      return RouteMatch.UNKNOWN;
    }
    Bound bound = node.routes.get(method);
    if (bound == null) {
      String upper = method.toUpperCase(Locale.ROOT);
      bound = node.routes.get(upper.equals("HEAD") ? "GET" : upper);
    }
    if (bound == null || (bound.route.operation().dataCenterOnly() && !dataCenter)) {
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
            : bound.templates[versionIndex(path.get(2))];
    return new RouteMatch(bound.route.operation(), template, parameters);
  }

  private static int versionIndex(String version) {
    for (int i = 0; i < Route.API_VERSIONS.size(); i++) {
      if (Route.API_VERSIONS.get(i).equalsIgnoreCase(version)) {
        return i;
      }
    }
    return 1;
  }

  /**
   * A route prepared for binding: its parameter names by segment, and its template as the
   * application may have called it ({@code /rest/api/2/...}, {@code /3/...}, {@code /latest/...}).
   */
  private static final class Bound {
    final Route route;
    final String[] parameters;
    final String[] templates;

    Bound(Route route) {
      this.route = route;
      List<String> segments = route.segments();
      this.parameters = new String[segments.size()];
      for (int i = 0; i < segments.size(); i++) {
        if (Route.isParameter(segments.get(i))) {
          parameters[i] = segments.get(i).substring(1, segments.get(i).length() - 1);
        }
      }
      boolean versioned =
          segments.size() >= 3 && segments.subList(0, 3).equals(Route.VERSIONED_API);
      if (versioned) {
        templates =
            Route.API_VERSIONS.stream()
                .map(v -> "/rest/api/" + v + route.template().substring("/rest/api/3".length()))
                .toArray(String[]::new);
      } else {
        templates = new String[] {route.template()};
      }
    }
  }

  private void insert(Route route) {
    List<String> segments = route.segments();
    boolean versioned = segments.size() >= 3 && segments.subList(0, 3).equals(Route.VERSIONED_API);
    Node node = root;
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      if (versioned && i == 2) {
        // The three version literals share one subtree.
        Node shared = node.literals.computeIfAbsent("3", k -> new Node());
        for (String version : Route.API_VERSIONS) {
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
    node.routes.putIfAbsent(route.method(), new Bound(route));
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
