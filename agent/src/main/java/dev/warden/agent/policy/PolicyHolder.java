package dev.warden.agent.policy;

import dev.warden.agent.caller.CallerFinder;
import dev.warden.agent.credential.CredentialContext;
import dev.warden.agent.credential.CredentialStore;
import dev.warden.agent.credential.CredentialTypes;
import dev.warden.agent.credential.oauth.TokenClock;
import dev.warden.agent.log.Log;
import dev.warden.check.PolicyCheck;
import dev.warden.decision.DecisionEngine;
import dev.warden.jira.Classifier;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.LoadResult;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyLoader;
import dev.warden.policy.Problem;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.yaml.Mark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Holds the policy in force and replaces it when its file changes. A changed file that is invalid
 * is reported, one log line per problem, and the policy in force stays in force.
 */
public final class PolicyHolder {

  private final Path file;
  private final String name;
  private final Supplier<RouteCatalog> catalogs;
  private final CredentialContext credentialContext;
  private final CredentialTypes credentialTypes;
  private volatile CredentialStore credentials;
  private final CountDownLatch loaded = new CountDownLatch(1);
  private RouteCatalog catalog;
  private PolicyLoader loader;
  private volatile PolicyState state;
  private volatile Thread loading;
  private volatile java.util.function.Consumer<Policy> whenActive = policy -> {};

  public PolicyHolder(
      Path file, RouteCatalog catalog, SecretResolver secrets, LongSupplier nanoTime) {
    this(file, () -> catalog, secrets, nanoTime);
  }

  /**
   * @param catalogs the route catalog, read when the policy is first loaded (which may be on
   *     another thread than the one making the holder, so that start-up does both at once)
   */
  public PolicyHolder(
      Path file, Supplier<RouteCatalog> catalogs, SecretResolver secrets, LongSupplier nanoTime) {
    this.file = file;
    this.name = file.toString();
    this.catalogs = catalogs;
    this.credentialContext = new CredentialContext(secrets, clock(nanoTime));
    this.credentialTypes = new CredentialTypes(credentialContext);
  }

  /** How the credentials' token renewals ended, for metrics. */
  public dev.warden.agent.credential.RefreshCounts refreshes() {
    return credentialContext.refreshes();
  }

  /**
   * At shutdown: waits, until {@code deadlineNanos}, for the credential renewals in progress to end
   * (a rotated refresh token is written back before the JVM exits).
   */
  public void awaitRenewals(long deadlineNanos) {
    CredentialStore store = credentials;
    if (store != null) {
      store.awaitRenewals(deadlineNanos);
    }
  }

  /** The policy in force once the first load has finished, without waiting for it; else null. */
  public dev.warden.policy.Policy loadedPolicy() {
    return state instanceof PolicyState.Active active ? active.snapshot().policy() : null;
  }

  /**
   * The policy in force. Until {@link #loadInitial} has finished (it runs on a thread of its own as
   * the application starts), waits for it; a load that never finishes is an unusable policy.
   */
  public PolicyState current() {
    PolicyState current = state;
    if (current != null) {
      return current;
    }
    if (Thread.currentThread() == loading) {
      // The load itself made a request (a socket a secret store opens, say): it cannot wait for
      // itself.
      return new PolicyState.Unusable(
          name, List.of(new Problem(name, Mark.NONE, "the policy is still loading")), List.of());
    }
    try {
      if (!loaded.await(INITIAL_LOAD_WAIT_SECONDS, TimeUnit.SECONDS)) {
        return new PolicyState.Unusable(
            name,
            List.of(
                new Problem(
                    name,
                    Mark.NONE,
                    "the policy was not loaded within "
                        + INITIAL_LOAD_WAIT_SECONDS
                        + " s of start-up")),
            List.of());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PolicyState.Unusable(
          name,
          List.of(new Problem(name, Mark.NONE, "interrupted while the policy was loading")),
          List.of());
    }
    return state;
  }

  private static final int INITIAL_LOAD_WAIT_SECONDS = 30;

  /** Tokens timed by {@code nanoTime}, fleets' shared state by the wall clock. */
  private static TokenClock clock(LongSupplier nanoTime) {
    return new TokenClock() {
      @Override
      public long nanoTime() {
        return nanoTime.getAsLong();
      }

      @Override
      public long epochMillis() {
        return TokenClock.SYSTEM.epochMillis();
      }

      @Override
      public void sleep(long millis) throws InterruptedException {
        TokenClock.SYSTEM.sleep(millis);
      }
    };
  }

  /** The policy file. */
  public Path file() {
    return file;
  }

  /**
   * Runs {@code action} each time a policy comes into force (the first, and every reload that
   * changes it), on the thread that loaded it: to open the stores it names, say. Set before {@link
   * #loadInitial}.
   */
  public void whenActive(java.util.function.Consumer<Policy> action) {
    this.whenActive = action;
  }

  /** Loads the file at start-up. */
  public void loadInitial() {
    loading = Thread.currentThread();
    try {
      loadFirst();
    } catch (RuntimeException | LinkageError e) {
      state =
          new PolicyState.Unusable(
              name,
              List.of(new Problem(name, Mark.NONE, "internal error while loading: " + e)),
              List.of());
      Log.get()
          .error(
              "policy "
                  + name
                  + " could not be loaded (internal error: "
                  + e
                  + "); Warden intercepts nothing");
    } finally {
      loaded.countDown();
    }
  }

  private void loadFirst() {
    catalog = catalogs.get();
    loader = new PolicyLoader(catalog);
    LoadResult result = loader.load(file, name);
    if (result.valid()) {
      activate(result.policy().orElseThrow(), "loaded");
      return;
    }
    state = new PolicyState.Unusable(name, result.errors(), result.readableSites());
    int more = result.errors().size() - 1;
    String sites =
        result.readableSites().isEmpty()
            ? "no site URL can be read from it, so Warden intercepts nothing until it is fixed"
            : "requests to " + result.readableSites() + " are refused with 503 until it is fixed";
    Log.get()
        .error(
            "policy "
                + name
                + " is not usable: "
                + result.errors().get(0)
                + (more > 0
                    ? " (and "
                        + more
                        + " more problem"
                        + (more == 1 ? "" : "s")
                        + ": java -jar warden-agent.jar check "
                        + name
                        + " lists them)"
                    : "")
                + "; "
                + sites);
  }

  /** Reloads the file after it changed. */
  public void reload() {
    LoadResult result = loader.load(file, name);
    if (result.valid()) {
      activate(result.policy().orElseThrow(), "reloaded");
      return;
    }
    Log log = Log.get();
    if (state instanceof PolicyState.Active) {
      log.error(
          "policy "
              + name
              + " changed but is invalid; the policy in force stays in force. Problems:");
    } else {
      state = new PolicyState.Unusable(name, result.errors(), result.readableSites());
      log.error("policy " + name + " is still not usable:");
    }
    for (Problem problem : result.errors()) {
      log.error(problem.toString());
    }
  }

  private void activate(Policy policy, String verb) {
    CredentialStore previous = credentials;
    CredentialStore next =
        previous == null ? CredentialStore.of(policy, credentialTypes) : previous.next(policy);
    PolicySnapshot snapshot =
        new PolicySnapshot(
            policy,
            new Classifier(catalog),
            new DecisionEngine(policy),
            next,
            new CallerFinder(
                policy.callerSkip(),
                policy.rules().stream().anyMatch(rule -> !rule.callers().isEmpty())
                    || policy.throttles().values().stream()
                        .anyMatch(
                            throttle -> throttle.per() == dev.warden.policy.Words.Per.CALLER)));
    state = new PolicyState.Active(snapshot);
    credentials = next;
    if (previous != null) {
      // In force now: what the old policy had and the new one does not can stop.
      previous.retire(next);
    }
    try {
      whenActive.accept(policy);
    } catch (RuntimeException e) {
      Log.get().error("internal error after policy " + name + " was " + verb + ": " + e);
    }
    Log log = Log.get();
    log.info(
        "policy "
            + name
            + " "
            + verb
            + ": "
            + policy.sites().size()
            + " sites, "
            + policy.rules().size()
            + " rules, mode "
            + policy.mode().word());
    for (Problem warning : new PolicyCheck(catalog).warnings(policy)) {
      log.warn(warning.toString());
    }
  }
}
