package dev.warden.check;

import dev.warden.policy.LoadResult;
import dev.warden.policy.Policy;
import dev.warden.policy.Problem;
import java.util.List;

/**
 * What {@code check} found: the load result (errors, when invalid) and, for a valid policy, the
 * warnings about what is legal but likely wrong.
 *
 * @param load the load result
 * @param warnings warnings about a valid policy
 */
public record CheckReport(LoadResult load, List<Problem> warnings) {

  public CheckReport {
    warnings = List.copyOf(warnings);
  }

  /** Whether the policy is valid. */
  public boolean valid() {
    return load.valid();
  }

  /** The one-line summary of a valid policy. */
  public String summary() {
    Policy policy = load.policy().orElseThrow();
    return policy.file()
        + ": valid policy ("
        + policy.mode().word()
        + "): "
        + count(policy.sites().size(), "site")
        + ", "
        + count(policy.credentials().size(), "credential")
        + ", "
        + count(policy.throttles().size(), "throttle")
        + ", "
        + count(policy.rules().size(), "rule")
        + (warnings.isEmpty() ? "" : ", " + count(warnings.size(), "warning"));
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
