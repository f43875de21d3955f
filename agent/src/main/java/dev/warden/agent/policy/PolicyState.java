package dev.warden.agent.policy;

import dev.warden.jira.PathSegments;
import dev.warden.policy.Problem;
import dev.warden.policy.SiteUrl;
import java.net.URI;
import java.util.List;

/**
 * The policy in force: a valid one, or, until the first valid one loads, the problems of an
 * unusable file.
 */
public sealed interface PolicyState permits PolicyState.Active, PolicyState.Unusable {

  /** Whether a request to this origin may be Jira traffic. */
  boolean isSiteOrigin(String scheme, String host, int port);

  /**
   * A valid policy in force.
   *
   * @param snapshot the compiled policy
   */
  record Active(PolicySnapshot snapshot) implements PolicyState {
    @Override
    public boolean isSiteOrigin(String scheme, String host, int port) {
      return snapshot.isSiteOrigin(scheme, host, port);
    }
  }

  /**
   * No valid policy yet: requests to the sites the file names, as far as it can be read, are
   * refused with a 503.
   *
   * @param file the policy file
   * @param problems what is wrong with it
   * @param sites the site URLs that could be read
   */
  record Unusable(String file, List<Problem> problems, List<SiteUrl> sites) implements PolicyState {
    public Unusable {
      problems = List.copyOf(problems);
      sites = List.copyOf(sites);
    }

    @Override
    public boolean isSiteOrigin(String scheme, String host, int port) {
      for (SiteUrl site : sites) {
        if (site.sameOrigin(scheme, host, port)) {
          return true;
        }
      }
      return false;
    }

    /** Whether a request belongs to one of the readable sites. */
    public boolean covers(URI uri) {
      String host = SiteUrl.hostOf(uri);
      if (uri.getScheme() == null || host == null) {
        return false;
      }
      int port = SiteUrl.effectivePort(uri);
      PathSegments path = PathSegments.parse(uri.getRawPath());
      for (SiteUrl site : sites) {
        if (site.sameOrigin(uri.getScheme(), host, port) && site.contains(path)) {
          return true;
        }
      }
      return false;
    }

    /** Why Jira traffic is refused, for the 503's message: the file and its first problem. */
    public String reason() {
      String first = problems.isEmpty() ? "it cannot be read" : problems.get(0).toString();
      return "policy "
          + file
          + " is not usable ("
          + first
          + (problems.size() > 1 ? ", and " + (problems.size() - 1) + " more" : "")
          + "); Jira requests are refused until it is fixed";
    }
  }
}
