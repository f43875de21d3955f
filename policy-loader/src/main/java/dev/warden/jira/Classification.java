package dev.warden.jira;

/**
 * What a Jira-bound request is: its operation, route and the issue and projects it touches.
 *
 * @param operation the operation, {@link Operation#UNKNOWN} for a path no route knows
 * @param routeTemplate the route template in the API version the application called, such as {@code
 *     /rest/api/2/issue/{issueIdOrKey}}; {@code null} for an unknown operation
 * @param issueKey the issue key in the path ({@code OPS-12}, upper case), or {@code null}
 * @param issueId the numeric issue id in the path, or {@code null}
 * @param projects the projects the request touches
 * @param serviceDeskId the Service Management service desk, from the path or a request's body, or
 *     {@code null}
 */
public record Classification(
    Operation operation,
    String routeTemplate,
    String issueKey,
    String issueId,
    ProjectRefs projects,
    String serviceDeskId) {

  /** The route part of the span name: the template, or {@code unknown}. */
  public String spanRoute() {
    return routeTemplate == null ? Operation.UNKNOWN.name() : routeTemplate;
  }
}
