package dev.warden.agent.audit;

/** The values of {@code warden.decision}. */
public final class Decisions {

  public static final String ALLOW = "allow";
  public static final String DENY = "deny";
  public static final String THROTTLED = "throttled";
  public static final String UNAVAILABLE = "unavailable";
  public static final String WOULD_DENY = "would-deny";
  public static final String WOULD_THROTTLE = "would-throttle";
  public static final String UNMANAGED = "unmanaged";

  private Decisions() {}

  /** Whether a call with this decision was answered by Warden, not by Jira. */
  public static boolean wardenAnswered(String decision) {
    return DENY.equals(decision) || THROTTLED.equals(decision) || UNAVAILABLE.equals(decision);
  }
}
