package dev.warden.agent.credential;

import dev.warden.agent.credential.oauth.TokenClock;
import dev.warden.policy.secret.SecretResolver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * What credentials are made with, for as long as the agent runs: the secrets, the clock, and the
 * threads OAuth grants work on in the background (made only when a grant needs them). The policy in
 * force decides which credentials exist; this outlives every reload.
 */
public final class CredentialContext {

  private final SecretResolver secrets;
  private final TokenClock clock;
  private final RefreshCounts refreshes = new RefreshCounts();
  private ScheduledExecutorService lockExtender;
  private ScheduledExecutorService stateChecker;

  /**
   * @param secrets resolves secret references
   * @param clock the clock tokens are timed by
   */
  public CredentialContext(SecretResolver secrets, TokenClock clock) {
    this.secrets = secrets;
    this.clock = clock;
  }

  public SecretResolver secrets() {
    return secrets;
  }

  public TokenClock clock() {
    return clock;
  }

  /** How the credentials' renewals ended, for metrics. */
  public RefreshCounts refreshes() {
    return refreshes;
  }

  /** Where fleets' refresh locks are extended: a thread of its own, so that nothing delays it. */
  public synchronized ScheduledExecutorService lockExtender() {
    if (lockExtender == null) {
      lockExtender = daemon("warden-token-lock");
    }
    return lockExtender;
  }

  /** Where fleets' token states are checked in the background. */
  public synchronized ScheduledExecutorService stateChecker() {
    if (stateChecker == null) {
      stateChecker = daemon("warden-token-state");
    }
    return stateChecker;
  }

  private static ScheduledExecutorService daemon(String name) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, name);
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
