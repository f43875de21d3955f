package dev.warden.agent.bootstrap;

import java.util.Set;

/**
 * How a client follows redirects, for Warden to follow them the same way on its behalf. Warden
 * follows a Jira-bound request's redirects itself whenever the client would follow them without
 * showing each hop to a hook, so that each hop is decided anew and a credential never rides a hop
 * to another host.
 */
public final class RedirectPolicy {

  /**
   * Warden follows nothing: the client does not follow redirects, or shows every hop to its hook.
   */
  public static final RedirectPolicy NONE = new RedirectPolicy(Set.of(), 0, false, false, Set.of());

  private final Set<Integer> statuses;
  private final Set<Integer> safeMethodsOnly;
  private final int maxHops;
  private final boolean schemeChange;
  private final boolean downgrade;
  private final Set<Integer> postToGet;

  /**
   * @param statuses the statuses the client follows
   * @param maxHops the most redirects it follows for one request
   * @param schemeChange whether it follows a redirect to another scheme at all
   * @param downgrade whether it follows {@code https} to {@code http}
   * @param postToGet the statuses after which a {@code POST} is repeated as a {@code GET} (303
   *     turns every method but HEAD into GET)
   */
  public RedirectPolicy(
      Set<Integer> statuses,
      int maxHops,
      boolean schemeChange,
      boolean downgrade,
      Set<Integer> postToGet) {
    this(statuses, Set.of(), maxHops, schemeChange, downgrade, postToGet);
  }

  /**
   * @param statuses the statuses the client follows
   * @param safeMethodsOnly among them, those it follows only for GET and HEAD
   * @param maxHops the most redirects it follows for one request
   * @param schemeChange whether it follows a redirect to another scheme at all
   * @param downgrade whether it follows {@code https} to {@code http}
   * @param postToGet the statuses after which a {@code POST} is repeated as a {@code GET}
   */
  public RedirectPolicy(
      Set<Integer> statuses,
      Set<Integer> safeMethodsOnly,
      int maxHops,
      boolean schemeChange,
      boolean downgrade,
      Set<Integer> postToGet) {
    this.safeMethodsOnly = Set.copyOf(safeMethodsOnly);
    this.statuses = Set.copyOf(statuses);
    this.maxHops = maxHops;
    this.schemeChange = schemeChange;
    this.downgrade = downgrade;
    this.postToGet = Set.copyOf(postToGet);
  }

  /** Whether the client would follow a response with this status (to some request). */
  public boolean follows(int status) {
    return statuses.contains(status);
  }

  /** Whether the client would follow a response with this status to a request with this method. */
  public boolean follows(int status, String method) {
    return statuses.contains(status)
        && (!safeMethodsOnly.contains(status) || "GET".equals(method) || "HEAD".equals(method));
  }

  /** The most redirects the client follows for one request. */
  public int maxHops() {
    return maxHops;
  }

  /** Whether the client would follow a redirect from {@code fromScheme} to {@code toScheme}. */
  public boolean allowsScheme(String fromScheme, String toScheme) {
    if (fromScheme.equalsIgnoreCase(toScheme)) {
      return true;
    }
    if (!schemeChange) {
      return false;
    }
    return downgrade
        || !("https".equalsIgnoreCase(fromScheme) && "http".equalsIgnoreCase(toScheme));
  }

  /** The method of the next hop after a redirect with {@code status}. */
  public String methodAfter(int status, String method) {
    if (status == 303 && !"HEAD".equals(method)) {
      return "GET";
    }
    if ("POST".equals(method) && postToGet.contains(status)) {
      return "GET";
    }
    return method;
  }
}
