package dev.warden.jira;

import java.util.List;

/**
 * One (method, path template) of the catalog and the operation it is.
 *
 * @param method the HTTP method, upper case
 * @param template the path template as the catalog writes it, such as {@code
 *     /rest/api/3/issue/{issueIdOrKey}}
 * @param operation the operation
 */
public record Route(String method, String template, Operation operation) {

  /**
   * The path prefix whose operations Jira also serves under {@code /rest/api/2} and {@code
   * /latest}.
   */
  static final List<String> VERSIONED_API = List.of("rest", "api", "3");

  /** The API versions that name the same operations as {@code /rest/api/3}. */
  static final List<String> API_VERSIONS = List.of("2", "3", "latest");

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
