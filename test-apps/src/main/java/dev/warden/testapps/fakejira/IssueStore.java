package dev.warden.testapps.fakejira;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The fake Jira's projects and issues, in memory. */
final class IssueStore {

  record Project(String id, String key, String name) {}

  static final class Issue {
    final String id;
    final String key;
    final Project project;
    volatile String summary;
    volatile String status = "To Do";
    final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();

    Issue(String id, String key, Project project, String summary) {
      this.id = id;
      this.key = key;
      this.project = project;
      this.summary = summary;
    }

    Map<String, Object> json(String base) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("summary", summary);
      fields.put("project", Map.of("id", project.id, "key", project.key, "name", project.name));
      fields.put("status", Map.of("id", "1", "name", status));
      fields.put("issuetype", Map.of("id", "10001", "name", "Task"));
      fields.put("comment", Map.of("total", comments.size()));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("id", id);
      out.put("key", key);
      out.put("self", base + "/rest/api/2/issue/" + id);
      out.put("fields", fields);
      return out;
    }
  }

  private final Map<String, Project> projects = new LinkedHashMap<>();
  private final Map<String, Issue> issues = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger(10001);
  private final Map<String, AtomicInteger> nextNumber = new ConcurrentHashMap<>();

  IssueStore() {
    for (Project p :
        List.of(
            new Project("10000", "OPS", "Operations"),
            new Project("10001", "SUP", "Support"),
            new Project("10002", "HR", "People"))) {
      projects.put(p.key, p);
      nextNumber.put(p.key, new AtomicInteger(1));
    }
    create(projects.get("OPS"), "Disk full on build agent");
    create(projects.get("OPS"), "Rotate TLS certificates");
    create(projects.get("SUP"), "Customer cannot log in");
    create(projects.get("HR"), "Onboarding for new hire");
  }

  Project project(String keyOrId) {
    if (keyOrId == null) {
      return null;
    }
    Project byKey = projects.get(keyOrId.toUpperCase(Locale.ROOT));
    if (byKey != null) {
      return byKey;
    }
    return projects.values().stream().filter(p -> p.id.equals(keyOrId)).findFirst().orElse(null);
  }

  /** The project a create body's {@code fields.project} names, or {@code null}. */
  Project projectOf(JsonNode fields) {
    JsonNode project = fields == null ? null : fields.path("project");
    if (project == null || project.isMissingNode()) {
      return null;
    }
    return project(
        project.hasNonNull("key") ? project.get("key").asText() : project.path("id").asText(null));
  }

  Issue create(Project project, String summary) {
    String key = project.key + "-" + nextNumber.get(project.key).getAndIncrement();
    Issue issue = new Issue(Integer.toString(nextId.getAndIncrement()), key, project, summary);
    issues.put(key, issue);
    return issue;
  }

  Issue find(String idOrKey) {
    Issue byKey = issues.get(idOrKey.toUpperCase(Locale.ROOT));
    if (byKey != null) {
      return byKey;
    }
    return issues.values().stream().filter(i -> i.id.equals(idOrKey)).findFirst().orElse(null);
  }

  boolean delete(String idOrKey) {
    Issue issue = find(idOrKey);
    return issue != null && issues.remove(issue.key) != null;
  }

  List<Issue> all() {
    List<Issue> out = new ArrayList<>(issues.values());
    out.sort((a, b) -> Integer.compare(Integer.parseInt(a.id), Integer.parseInt(b.id)));
    return out;
  }
}
