package dev.warden.agent.policy;

import dev.warden.agent.caller.CallerFinder;
import dev.warden.agent.credential.CredentialStore;
import dev.warden.decision.DecisionEngine;
import dev.warden.jira.Classifier;
import dev.warden.jira.PathSegments;
import dev.warden.policy.Policy;
import dev.warden.policy.Site;
import dev.warden.policy.SiteUrl;
import java.net.URI;
import java.util.Optional;

/**
 * A valid policy, compiled for the request path: its decision engine, credentials and caller
 * finder, built once when the policy is loaded. Immutable; a reload builds a new one.
 *
 * @param policy the policy
 * @param classifier classifies requests to its sites
 * @param engine decides them
 * @param credentials its credentials
 * @param callers finds callers, with its {@code caller-skip}
 */
public record PolicySnapshot(
    Policy policy,
    Classifier classifier,
    DecisionEngine engine,
    CredentialStore credentials,
    CallerFinder callers) {

  /** Whether a request to this origin may belong to one of the sites: the hooks' fast test. */
  public boolean isSiteOrigin(String scheme, String host, int port) {
    for (Site site : policy.sites()) {
      if (site.url().sameOrigin(scheme, host, port)) {
        return true;
      }
    }
    return false;
  }

  /** The site a request belongs to, if any. */
  public Optional<Site> siteFor(URI uri, PathSegments path) {
    String host = SiteUrl.hostOf(uri);
    if (uri.getScheme() == null || host == null) {
      return Optional.empty();
    }
    int port = SiteUrl.effectivePort(uri);
    return policy.siteFor(uri.getScheme(), host, port, path);
  }
}
