package dev.warden.policy;

import dev.warden.policy.Words.Flavor;
import dev.warden.policy.yaml.Mark;

/**
 * A Jira deployment the service talks to.
 *
 * @param id the site's id, used by rules and audit records
 * @param url where it is
 * @param credential the name of the credential Warden authenticates with
 * @param flavor Cloud or Data Center
 * @param mark where the site is written in the policy
 */
public record Site(String id, SiteUrl url, String credential, Flavor flavor, Mark mark) {

  /** Whether the site is Jira Data Center. */
  public boolean dataCenter() {
    return flavor == Flavor.DATA_CENTER;
  }
}
