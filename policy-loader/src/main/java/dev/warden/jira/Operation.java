package dev.warden.jira;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** A Jira REST operation as Atlassian's OpenAPI description names it. Immutable. */
public final class Operation {

  /** The pseudo-scope of operations Atlassian lists with no scope. */
  public static final String UNSCOPED = "unscoped";

  /** The operation of a path that is on a site but matches no known route. */
  public static final Operation UNKNOWN = new Operation("unknown", Set.of(), false, false);

  private final String id;
  private final Set<String> scopes;
  private final boolean deprecated;
  private final boolean dataCenterOnly;

  /** Written once: the audit reads it on every call. */
  private final String scopeText;

  /**
   * @param id the operationId, such as {@code getIssue}, or {@code unknown}
   * @param scopes the classic OAuth 2.0 scopes the operation needs; empty when Atlassian names none
   * @param deprecated whether Atlassian marks the operation deprecated
   * @param dataCenterOnly whether the operation exists only on Jira Data Center
   */
  public Operation(String id, Set<String> scopes, boolean deprecated, boolean dataCenterOnly) {
    this.id = Objects.requireNonNull(id, "id");
    this.scopes = Set.copyOf(scopes);
    this.deprecated = deprecated;
    this.dataCenterOnly = dataCenterOnly;
    this.scopeText =
        this.scopes.isEmpty() ? UNSCOPED : String.join(" ", new TreeSet<>(this.scopes));
  }

  public String id() {
    return id;
  }

  public Set<String> scopes() {
    return scopes;
  }

  public boolean deprecated() {
    return deprecated;
  }

  public boolean dataCenterOnly() {
    return dataCenterOnly;
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
    return scopeText;
  }

  /** Whether the create body of this operation names the project (single or bulk create). */
  public boolean projectInBody() {
    return "createIssue".equals(id) || "createIssues".equals(id);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Operation that
        && id.equals(that.id)
        && scopes.equals(that.scopes)
        && deprecated == that.deprecated
        && dataCenterOnly == that.dataCenterOnly;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, scopes, deprecated, dataCenterOnly);
  }

  @Override
  public String toString() {
    return "Operation[id="
        + id
        + ", scopes="
        + scopeText
        + ", deprecated="
        + deprecated
        + ", dataCenterOnly="
        + dataCenterOnly
        + "]";
  }
}
