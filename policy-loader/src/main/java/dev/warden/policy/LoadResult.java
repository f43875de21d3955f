package dev.warden.policy;

import java.util.List;
import java.util.Optional;

/**
 * What loading a policy file gave: the policy when it is valid, else every problem, and the site
 * URLs that could still be read so that their traffic can be refused rather than let through.
 *
 * @param policy the policy, when valid
 * @param errors every problem; empty exactly when {@code policy} is present
 * @param readableSites the site URLs the file names, as far as they can be read
 */
public record LoadResult(
    Optional<Policy> policy, List<Problem> errors, List<SiteUrl> readableSites) {

  public LoadResult {
    errors = List.copyOf(errors);
    readableSites = List.copyOf(readableSites);
  }

  /** Whether the file is a valid policy. */
  public boolean valid() {
    return policy.isPresent();
  }
}
