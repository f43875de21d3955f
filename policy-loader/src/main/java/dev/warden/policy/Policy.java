package dev.warden.policy;

import dev.warden.jira.PathSegments;
import dev.warden.policy.Words.Mode;
import dev.warden.policy.Words.UnmanagedEgress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A valid policy: what {@link PolicyLoader} builds from a policy file once every check passed.
 * Immutable.
 *
 * @param file the file it was read from, as given
 * @param mode enforce or dry-run
 * @param unmanagedEgress what to do about connections no hooked client made
 * @param callerSkip package globs skipped when looking for the calling class
 * @param sites the Jira sites, in file order
 * @param credentials credentials by name, in file order
 * @param throttles throttles by name, in file order
 * @param retry how Jira's 429s are retried
 * @param rules the rules, in order
 */
public record Policy(
    String file,
    Mode mode,
    UnmanagedEgress unmanagedEgress,
    List<String> callerSkip,
    List<Site> sites,
    Map<String, Credential> credentials,
    Map<String, Throttle> throttles,
    Retry retry,
    List<Rule> rules) {

  public Policy {
    callerSkip = List.copyOf(callerSkip);
    sites = List.copyOf(sites);
    credentials = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(credentials));
    throttles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(throttles));
    rules = List.copyOf(rules);
  }

  /** The site a request belongs to (the longest context path wins), if any. */
  public Optional<Site> siteFor(String scheme, String host, int port, PathSegments path) {
    Site best = null;
    for (Site site : sites) {
      SiteUrl url = site.url();
      if (url.sameOrigin(scheme, host, port)
          && url.contains(path)
          && (best == null || url.contextPath().size() > best.url().contextPath().size())) {
        best = site;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The site with this id. */
  public Optional<Site> site(String id) {
    return sites.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** Whether the policy is in dry-run mode. */
  public boolean dryRun() {
    return mode == Mode.DRY_RUN;
  }
}
