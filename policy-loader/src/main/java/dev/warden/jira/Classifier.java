package dev.warden.jira;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Classifies a request to a Jira site: which operation, which issue, which projects.
 *
 * <p>The issue comes from an {@code {issueIdOrKey}} path parameter (or an epic's or a customer
 * request's); the project from that issue key ({@code OPS-12} is project {@code OPS}), from a
 * project path parameter, or from the body of a single or bulk create. Nothing else is guessed: a
 * request whose project cannot be known says so, and rules that name projects do not match it.
 */
public final class Classifier {

  /**
   * Path parameters that hold an issue: Jira Software's epics are issues, and so are Service
   * Management's customer requests.
   */
  private static final Set<String> ISSUE_PARAMETERS =
      Set.of("issueIdOrKey", "issueKey", "issueId", "epicIdOrKey", "requestIdOrKey");

  private static final List<String> PROJECT_PARAMETERS =
      List.of("projectIdOrKey", "projectKeyOrId", "projectKey", "projectId", "projIdOrKey");

  private final RouteCatalog catalog;

  public Classifier(RouteCatalog catalog) {
    this.catalog = catalog;
  }

  /** The catalog this classifier matches against. */
  public RouteCatalog catalog() {
    return catalog;
  }

  /**
   * Classifies one request.
   *
   * @param method the HTTP method
   * @param path the path with the site's context path removed
   * @param dataCenter whether the site is Jira Data Center
   * @param body the request body when the operation needs it (a create, a customer request), {@code
   *     null} when it cannot be read; called at most once, and only for creates
   */
  public Classification classify(
      String method, PathSegments path, boolean dataCenter, Supplier<byte[]> body) {
    RouteMatch match = catalog.match(method, path, dataCenter);
    Operation operation = match.operation();
    String issueKey = null;
    String issueId = null;
    ProjectRefs projects = ProjectRefs.UNKNOWN;
    for (Map.Entry<String, String> parameter : match.parameters().entrySet()) {
      String value = parameter.getValue();
      if (ISSUE_PARAMETERS.contains(parameter.getKey())) {
        if (isIssueKey(value)) {
          issueKey = ProjectRefs.normalize(value);
          projects = ProjectRefs.of(issueKey.substring(0, issueKey.lastIndexOf('-')));
        } else if (isNumber(value, 0)) {
          issueId = value;
        }
      }
    }
    if (projects.isEmpty()) {
      for (String name : PROJECT_PARAMETERS) {
        String value = match.parameters().get(name);
        if (value != null && !value.isBlank()) {
          projects = ProjectRefs.of(value);
          break;
        }
      }
    }
    if (projects.isEmpty() && operation.projectInBody() && body != null) {
      projects = CreateBodies.projects(body.get(), operation.bulkCreate());
    }
    // An id, or a project's id or key: Service Management takes either.
    String serviceDeskId = match.parameters().get("serviceDeskId");
    if (serviceDeskId != null && serviceDeskId.isBlank()) {
      serviceDeskId = null;
    }
    if (serviceDeskId == null && operation.serviceDeskInBody() && body != null) {
      serviceDeskId = CreateBodies.serviceDeskId(body.get());
    }
    return new Classification(
        operation, match.templateAsCalled(), issueKey, issueId, projects, serviceDeskId);
  }

  /** {@code [A-Za-z][A-Za-z0-9_]*-[0-9]+}, without a regex on the request path. */
  static boolean isIssueKey(String value) {
    int dash = value.lastIndexOf('-');
    if (dash < 1 || !isLetter(value.charAt(0)) || !isNumber(value, dash + 1)) {
      return false;
    }
    for (int i = 1; i < dash; i++) {
      char c = value.charAt(i);
      if (!isLetter(c) && !(c >= '0' && c <= '9') && c != '_') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** Whether {@code value} from {@code start} is one or more ASCII digits. */
  static boolean isNumber(String value, int start) {
    if (start >= value.length()) {
      return false;
    }
    for (int i = start; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
