package dev.warden.testapps.fakejira;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The REST API the fake Jira serves: a slice of Jira's, answered as Jira answers it (status codes,
 * bodies, error shapes). Served under {@code /rest/api/2}, {@code /3} and {@code /latest} alike.
 */
final class JiraApi {

  /** Issues in one page of search results: Jira's default {@code maxResults}. */
  static final int SEARCH_PAGE = 50;

  private final IssueStore store = new IssueStore();
  private final String base;
  private final URI mediaHost;

  JiraApi(String base, URI mediaHost) {
    this.base = base;
    this.mediaHost = mediaHost;
  }

  /** Serves one authenticated request; {@code segments} start after {@code /rest/api/<version>}. */
  void serve(
      String method,
      List<String> segments,
      String body,
      String principal,
      Response response,
      Callback callback)
      throws Exception {
    String first = segments.isEmpty() ? "" : segments.get(0);
    int size = segments.size();
    switch (first) {
      case "myself" -> {
        if (method.equals("GET") && size == 1) {
          Responses.json(
              response,
              callback,
              200,
              Map.of(
                  "accountId",
                  "5b10ac8d82e05b22cc7d4ef5",
                  "emailAddress",
                  principal.substring(principal.indexOf(':') + 1),
                  "displayName",
                  "Warden Demo Bot",
                  "active",
                  true));
          return;
        }
      }
      case "issue" -> {
        if (size == 1 && method.equals("POST")) {
          createIssue(body, response, callback);
          return;
        }
        if (size == 2 && segments.get(1).equals("bulk") && method.equals("POST")) {
          createIssues(body, response, callback);
          return;
        }
        if (size == 2 && segments.get(1).equals("createmeta") && method.equals("GET")) {
          Responses.json(response, callback, 200, createMeta());
          return;
        }
        if (size >= 2) {
          issue(method, segments, body, response, callback);
          return;
        }
      }
      case "search" -> {
        if ((size == 1 || size == 2 && segments.get(1).equals("jql"))
            && (method.equals("GET") || method.equals("POST"))) {
          // One page, as Jira gives (50 issues unless asked for fewer): the soak creates thousands.
          List<Object> issues = new ArrayList<>();
          var all = store.all();
          int total = 0;
          for (var issue : all) {
            if (total++ < SEARCH_PAGE) {
              issues.add(issue.json(base));
            }
          }
          Responses.json(
              response,
              callback,
              200,
              Map.of(
                  "issues",
                  issues,
                  "isLast",
                  total <= SEARCH_PAGE,
                  "startAt",
                  0,
                  "maxResults",
                  SEARCH_PAGE,
                  "total",
                  total));
          return;
        }
      }
      case "project" -> {
        if (size == 2 && method.equals("GET")) {
          IssueStore.Project project = store.project(segments.get(1));
          if (project == null) {
            Responses.json(
                response,
                callback,
                404,
                Responses.error("No project could be found with key '" + segments.get(1) + "'."));
          } else {
            Responses.json(
                response,
                callback,
                200,
                Map.of("id", project.id(), "key", project.key(), "name", project.name()));
          }
          return;
        }
      }
      case "attachment" -> {
        if (size == 3 && segments.get(1).equals("content") && method.equals("GET")) {
          // As Jira Cloud does: attachment content lives on another host, reached by a redirect.
          response
              .getHeaders()
              .put("Location", mediaHost.resolve("/file/" + segments.get(2)).toString());
          Responses.empty(response, callback, 303);
          return;
        }
      }
      default -> {
        // not found below
      }
    }
    Responses.json(
        response,
        callback,
        404,
        Responses.error("null for uri: " + base + "/rest/api/2/" + String.join("/", segments)));
  }

  /** What the create screen of each project needs (older clients ask before they create). */
  private Map<String, Object> createMeta() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("summary", field("Summary", "string", "summary"));
    fields.put("project", field("Project", "project", "project"));
    fields.put("issuetype", field("Issue Type", "issuetype", "issuetype"));
    List<Object> projects = new ArrayList<>();
    for (String key : List.of("OPS", "SUP", "HR")) {
      IssueStore.Project project = store.project(key);
      projects.add(
          Map.of(
              "id",
              project.id(),
              "key",
              project.key(),
              "name",
              project.name(),
              "issuetypes",
              List.of(Map.of("id", "10001", "name", "Task", "fields", fields))));
    }
    return Map.of("projects", projects);
  }

  private static Map<String, Object> field(String name, String type, String system) {
    return Map.of("required", true, "name", name, "schema", Map.of("type", type, "system", system));
  }

  private void createIssue(String body, Response response, Callback callback) throws Exception {
    JsonNode fields = Responses.JSON.readTree(body.isEmpty() ? "{}" : body).path("fields");
    IssueStore.Project project = store.projectOf(fields);
    if (project == null) {
      Responses.json(
          response,
          callback,
          400,
          Responses.fieldError("project", "Specify a valid project ID or key"));
      return;
    }
    IssueStore.Issue issue = store.create(project, fields.path("summary").asText("(no summary)"));
    Responses.json(
        response,
        callback,
        201,
        Map.of("id", issue.id, "key", issue.key, "self", base + "/rest/api/2/issue/" + issue.id));
  }

  private void createIssues(String body, Response response, Callback callback) throws Exception {
    List<Object> created = new ArrayList<>();
    List<Object> errors = new ArrayList<>();
    int index = 0;
    for (JsonNode update :
        Responses.JSON.readTree(body.isEmpty() ? "{}" : body).path("issueUpdates")) {
      IssueStore.Project project = store.projectOf(update.path("fields"));
      if (project == null) {
        errors.add(
            Map.of(
                "status",
                400,
                "failedElementNumber",
                index,
                "elementErrors",
                Responses.fieldError("project", "Specify a valid project ID or key")));
      } else {
        IssueStore.Issue issue =
            store.create(project, update.path("fields").path("summary").asText("(no summary)"));
        created.add(
            Map.of(
                "id", issue.id, "key", issue.key, "self", base + "/rest/api/2/issue/" + issue.id));
      }
      index++;
    }
    Responses.json(response, callback, 201, Map.of("issues", created, "errors", errors));
  }

  private void issue(
      String method, List<String> segments, String body, Response response, Callback callback)
      throws Exception {
    IssueStore.Issue issue = store.find(segments.get(1));
    if (issue == null) {
      Responses.json(
          response,
          callback,
          404,
          Responses.error("Issue does not exist or you do not have permission to see it."));
      return;
    }
    String sub = segments.size() > 2 ? segments.get(2) : "";
    switch (method + " " + sub) {
      case "GET " -> Responses.json(response, callback, 200, issue.json(base));
      case "PUT " -> {
        JsonNode summary =
            Responses.JSON.readTree(body.isEmpty() ? "{}" : body).path("fields").path("summary");
        if (summary.isTextual()) {
          issue.summary = summary.asText();
        }
        Responses.empty(response, callback, 204);
      }
      case "DELETE " -> {
        store.delete(issue.key);
        Responses.empty(response, callback, 204);
      }
      case "GET transitions" ->
          Responses.json(
              response,
              callback,
              200,
              Map.of(
                  "transitions",
                  List.of(
                      transition("11", "To Do"),
                      transition("21", "In Progress"),
                      transition("31", "Done"))));
      case "POST transitions" -> {
        String id =
            Responses.JSON
                .readTree(body.isEmpty() ? "{}" : body)
                .path("transition")
                .path("id")
                .asText("");
        Map<String, String> names = Map.of("11", "To Do", "21", "In Progress", "31", "Done");
        if (!names.containsKey(id)) {
          Responses.json(
              response,
              callback,
              400,
              Responses.error("Transition id '" + id + "' is not valid for this issue."));
          return;
        }
        issue.status = names.get(id);
        Responses.empty(response, callback, 204);
      }
      case "POST comment" -> {
        issue.comments.add(body);
        Map<String, Object> comment = new LinkedHashMap<>();
        comment.put("id", Integer.toString(10100 + issue.comments.size()));
        comment.put(
            "self",
            base + "/rest/api/2/issue/" + issue.id + "/comment/" + (10100 + issue.comments.size()));
        Responses.json(response, callback, 201, comment);
      }
      default -> Responses.json(response, callback, 405, Responses.error("Method Not Allowed"));
    }
  }

  private static Map<String, Object> transition(String id, String name) {
    return Map.of("id", id, "name", name, "to", Map.of("name", name), "fields", Map.of());
  }
}
