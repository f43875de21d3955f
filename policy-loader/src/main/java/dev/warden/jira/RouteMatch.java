package dev.warden.jira;

import java.util.Map;

/**
 * What a path matched in the catalog.
 *
 * @param operation the operation, {@link Operation#UNKNOWN} when nothing matched
 * @param templateAsCalled the route template in the API version the application called, such as
 *     {@code /rest/api/2/issue/{issueIdOrKey}}; {@code null} when nothing matched
 * @param parameters the path parameters by template name, decoded
 */
public record RouteMatch(
    Operation operation, String templateAsCalled, Map<String, String> parameters) {

  /** The match of a path no route knows. */
  public static final RouteMatch UNKNOWN = new RouteMatch(Operation.UNKNOWN, null, Map.of());

  public RouteMatch {
    parameters = java.util.Collections.unmodifiableMap(parameters);
  }
}
