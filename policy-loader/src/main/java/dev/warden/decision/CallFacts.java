package dev.warden.decision;

import dev.warden.jira.Classification;
import dev.warden.policy.Site;
import java.util.Locale;

/**
 * What the decision engine knows about one Jira-bound request.
 *
 * @param site the site it is for
 * @param classification its operation, issue and projects
 * @param method the HTTP method, upper case
 * @param callerClass the calling class (nested classes folded into their outer class), or {@code
 *     null} when it cannot be found
 */
public record CallFacts(
    Site site, Classification classification, String method, String callerClass) {

  public CallFacts {
    method = method.toUpperCase(Locale.ROOT);
  }

  /** The caller as rules and audit records name an unfound one. */
  public static final String UNKNOWN_CALLER = "unknown";
}
