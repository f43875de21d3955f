package dev.warden.jira;

import java.util.Objects;
import java.util.Set;

/**
 * A Jira REST operation as Atlassian's OpenAPI description names it.
 *
 * @param id the operationId, such as {@code getIssue}, or {@code unknown}
 * @param scopes the classic OAuth 2.0 scopes the operation needs; empty when Atlassian names none
 * @param deprecated whether Atlassian marks the operation deprecated
 * @param dataCenterOnly whether the operation exists only on Jira Data Center
 */
public record Operation(String id, Set<String> scopes, boolean deprecated, boolean dataCenterOnly) {

  /** The pseudo-scope of operations Atlassian lists with no scope. */
  public static final String UNSCOPED = "unscoped";

  /** The operation of a path that is on a site but matches no known route. */
  public static final Operation UNKNOWN = new Operation("unknown", Set.of(), false, false);

  public Operation {
    Objects.requireNonNull(id, "id");
    scopes = Set.copyOf(scopes);
  }

  /** Whether this is the {@link #UNKNOWN} operation. */
  public boolean isUnknown() {
    return this == UNKNOWN || UNKNOWN.id.equals(id);
  }

  /** Whether Atlassian names no scope for this (known) operation. */
  public boolean isUnscoped() {
    return !isUnknown() && scopes.isEmpty();
  }

  /**
   * The scopes as the {@code jira.scope} span attribute writes them: space-separated, or {@code
   * unscoped}.
   */
  public String scopeText() {
    if (scopes.isEmpty()) {
      return UNSCOPED;
    }
    return String.join(" ", new java.util.TreeSet<>(scopes));
  }

  /** Whether the create body of this operation names the project (single or bulk create). */
  public boolean projectInBody() {
    return "createIssue".equals(id) || "createIssues".equals(id);
  }
}
