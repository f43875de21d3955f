package dev.warden.jira;

import java.util.List;

/**
 * One (method, path template) of the catalog and the operation it is.
 *
 * @param dataCenter whether the route is Jira Data Center's (else Jira Cloud's)
 * @param method the HTTP method, upper case
 * @param template the path template as the catalog writes it, such as {@code
 *     /rest/api/3/issue/{issueIdOrKey}}
 * @param operation the operation
 */
public record Route(boolean dataCenter, String method, String template, Operation operation) {

  /**
   * A REST module Jira serves under several versions: {@code /rest/<module>/<version>/...} for each
   * of {@code versions} is the same operation as under the catalog's {@code canonical} version.
   */
  record Versioned(String module, String canonical, List<String> versions) {

    /** Whether {@code segments} start {@code rest/<module>/<canonical>}. */
    boolean prefixes(List<String> segments) {
      return segments.size() >= 3
          && segments.get(0).equals("rest")
          && segments.get(1).equals(module)
          && segments.get(2).equals(canonical);
    }

    /** The index in {@link #versions} of what the application called; the canonical one if none. */
    int indexOf(String version) {
      for (int i = 0; i < versions.size(); i++) {
        if (versions.get(i).equalsIgnoreCase(version)) {
          return i;
        }
      }
      return versions.indexOf(canonical);
    }
  }

  /** Cloud: the platform under {@code 2}, {@code 3} and {@code latest}; the agile API. */
  static final List<Versioned> CLOUD_VERSIONS =
      List.of(
          new Versioned("api", "3", List.of("2", "3", "latest")),
          new Versioned("agile", "1.0", List.of("1.0", "latest")));

  /** Data Center: its platform under {@code 2} and {@code latest}; agile; auth. */
  static final List<Versioned> DATA_CENTER_VERSIONS =
      List.of(
          new Versioned("api", "2", List.of("2", "latest")),
          new Versioned("agile", "1.0", List.of("1.0", "latest")),
          new Versioned("auth", "1", List.of("1", "latest")));

  /** The versioned module this route is under, or {@code null}. */
  Versioned versioned() {
    return versioned(segments());
  }

  Versioned versioned(List<String> segments) {
    for (Versioned versioned : dataCenter ? DATA_CENTER_VERSIONS : CLOUD_VERSIONS) {
      if (versioned.prefixes(segments)) {
        return versioned;
      }
    }
    return null;
  }

  /** The template under each of its module's versions (itself alone when it has none). */
  List<String> templates() {
    return templates(versioned());
  }

  List<String> templates(Versioned versioned) {
    if (versioned == null) {
      return List.of(template);
    }
    String rest = template.substring(("/rest/" + versioned.module() + "/").length());
    rest = rest.substring(versioned.canonical().length());
    String[] templates = new String[versioned.versions().size()];
    for (int i = 0; i < templates.length; i++) {
      templates[i] = "/rest/" + versioned.module() + "/" + versioned.versions().get(i) + rest;
    }
    return List.of(templates);
  }

  /** The template's segments, without the leading {@code /}. */
  List<String> segments() {
    return List.of(template.substring(1).split("/"));
  }

  /** Whether the segment is a path parameter such as {@code {issueIdOrKey}}. */
  static boolean isParameter(String segment) {
    return segment.length() > 2
        && segment.charAt(0) == '{'
        && segment.charAt(segment.length() - 1) == '}';
  }
}
