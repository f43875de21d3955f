package dev.warden.jira;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Jira REST operation: its name in a policy, its API family, the operationId its own description
 * gives it, and the OAuth scope sets that let a grant call it. Immutable.
 */
public final class Operation {

  /** The pseudo-scope of the Cloud platform operations Atlassian lists with no scope. */
  public static final String UNSCOPED = "unscoped";

  /** The family of the Jira Cloud platform API. */
  public static final String PLATFORM = "platform";

  /** Every API family, the prefixes of qualified names. */
  public static final List<String> FAMILIES =
      List.of(PLATFORM, "software", "servicedesk", "datacenter");

  /** The operation of a path that is on a site but matches no known route. */
  public static final Operation UNKNOWN =
      new Operation("unknown", "", "unknown", Set.of(), List.of(), false, false);

  private final String name;
  private final String family;
  private final String operationId;
  private final Set<String> classic;
  private final List<Set<String>> granular;
  private final boolean deprecated;
  private final boolean experimental;

  /**
   * Made at the first read (a race makes it twice, equal): the audit reads it on every call, and
   * most of the catalog's operations are never called.
   */
  private String scopeText;

  /**
   * @param name the name a policy uses, such as {@code getIssue}, {@code software:getIssue} or
   *     {@code datacenter:currentUser}, or {@code unknown}
   * @param family {@code platform}, {@code software}, {@code servicedesk} or {@code datacenter}
   * @param operationId the operationId in its own description
   * @param classic the classic OAuth 2.0 scopes it needs; empty when Atlassian names none
   * @param granular the granular scope sets, each of which also lets a grant call it
   * @param deprecated whether Atlassian marks the operation deprecated
   * @param experimental whether it needs {@code X-ExperimentalApi: opt-in}
   */
  public Operation(
      String name,
      String family,
      String operationId,
      Set<String> classic,
      List<Set<String>> granular,
      boolean deprecated,
      boolean experimental) {
    this.name = Objects.requireNonNull(name, "name");
    this.family = Objects.requireNonNull(family, "family");
    this.operationId = Objects.requireNonNull(operationId, "operationId");
    this.classic = Set.copyOf(classic);
    // A loop, not a stream: the catalog makes a thousand of these at start-up, interpreted.
    Set<?>[] sets = new Set<?>[granular.size()];
    for (int i = 0; i < sets.length; i++) {
      sets[i] = Set.copyOf(granular.get(i));
    }
    @SuppressWarnings("unchecked")
    List<Set<String>> copied = (List<Set<String>>) (List<?>) List.of(sets);
    this.granular = copied;
    this.deprecated = deprecated;
    this.experimental = experimental;
  }

  /** The name a policy uses for it: bare where bare names it, qualified otherwise. */
  public String name() {
    return name;
  }

  /**
   * The API family: {@code platform}, {@code software}, {@code servicedesk} or {@code datacenter}.
   */
  public String family() {
    return family;
  }

  /** The operationId its own description gives it (a Data Center twin's own id, for one). */
  public String operationId() {
    return operationId;
  }

  private static Set<String> first(List<Set<String>> sets) {
    return sets.isEmpty() ? Set.of() : sets.get(0);
  }

  /**
   * The classic OAuth 2.0 scopes it needs ({@code read:jira-work}); empty when Atlassian names
   * none.
   */
  public Set<String> classic() {
    return classic;
  }

  /**
   * The granular scope sets ({@code read:issue:jira ...}), each of which also lets a grant call it.
   */
  public List<Set<String>> granular() {
    return granular;
  }

  public boolean deprecated() {
    return deprecated;
  }

  /** Whether Atlassian marks it experimental (the request needs {@code X-ExperimentalApi}). */
  public boolean experimental() {
    return experimental;
  }

  /** Whether this is the {@link #UNKNOWN} operation. */
  public boolean isUnknown() {
    return this == UNKNOWN || UNKNOWN.name.equals(name);
  }

  /**
   * Whether the pseudo-scope {@code unscoped} names it: a Cloud platform operation (or its Data
   * Center twin) for which Atlassian lists no classic scope.
   */
  public boolean isUnscoped() {
    return !isUnknown() && PLATFORM.equals(family) && classic.isEmpty();
  }

  /**
   * Whether a grant of {@code scopes} may call it, as OAuth would: one of its scope sets is wholly
   * in {@code scopes}. Never, for an operation that lists no scope.
   */
  public boolean grantedBy(Set<String> scopes) {
    if (!classic.isEmpty() && scopes.containsAll(classic)) {
      return true;
    }
    for (Set<String> set : granular) {
      if (scopes.containsAll(set)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The scopes as the {@code jira.scope} span attribute writes them: its classic scopes, else its
   * first granular set, space-separated; {@code unscoped} when Atlassian names none.
   */
  public String scopeText() {
    String text = scopeText;
    if (text == null) {
      Set<String> shown = !classic.isEmpty() ? classic : first(granular);
      text = shown.isEmpty() ? UNSCOPED : String.join(" ", new TreeSet<>(shown));
      scopeText = text;
    }
    return text;
  }

  /** Whether the create body of this operation names the project (single or bulk create). */
  public boolean projectInBody() {
    return "createIssue".equals(name) || "createIssues".equals(name);
  }

  /**
   * Whether the body names the service desk: a Service Management customer request ({@code POST
   * /rest/servicedeskapi/request}).
   */
  public boolean serviceDeskInBody() {
    return "createCustomerRequest".equals(name);
  }

  /** Whether the body is a bulk create, whose issues each name a project. */
  public boolean bulkCreate() {
    return "createIssues".equals(name);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Operation that
        && name.equals(that.name)
        && family.equals(that.family)
        && operationId.equals(that.operationId)
        && classic.equals(that.classic)
        && granular.equals(that.granular)
        && deprecated == that.deprecated
        && experimental == that.experimental;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, family, operationId, classic, granular, deprecated, experimental);
  }

  @Override
  public String toString() {
    return "Operation["
        + name
        + ", family="
        + family
        + ", scopes="
        + classic
        + " "
        + granular
        + "]";
  }
}
