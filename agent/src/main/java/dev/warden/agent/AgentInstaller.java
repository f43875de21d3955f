package dev.warden.agent;

import dev.warden.agent.audit.AuditFile;
import dev.warden.agent.audit.AuditLosses;
import dev.warden.agent.audit.Auditor;
import dev.warden.agent.audit.OtelSpans;
import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.bootstrap.Settings;
import dev.warden.agent.egress.ManagedConnections;
import dev.warden.agent.egress.UnmanagedEgress;
import dev.warden.agent.hook.HookAdapters;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.hook.Instrumentations;
import dev.warden.agent.hook.jdk.httpclient.JdkHttpClientHook;
import dev.warden.agent.hook.jdk.urlconnection.UrlConnectionHookImpl;
import dev.warden.agent.log.JulBridge;
import dev.warden.agent.log.Level;
import dev.warden.agent.log.Log;
import dev.warden.agent.metrics.WardenMetrics;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.WardenClock;
import dev.warden.agent.policy.PolicyHolder;
import dev.warden.agent.policy.PolicyWatcher;
import dev.warden.agent.store.RedisClients;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.secret.SecretResolver;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Starts Warden in a JVM: reads the settings, loads the policy, starts the audit, and weaves the
 * hooks. Whatever goes wrong here is logged and leaves the application to start normally.
 */
public final class AgentInstaller {

  /** The settings Warden knows; {@code otel.*} ones configure its OpenTelemetry SDK. */
  static final List<String> SETTINGS =
      List.of(
          "policy", "enabled", "audit.file", "audit.file.max-size", "audit.file.keep", "log.level");

  /** How often the policy file is checked for changes, in milliseconds. */
  static final long POLICY_POLL_MILLIS = 1000;

  private AgentInstaller() {}

  /** Called by the launcher with the agent argument. */
  public static void install(String arguments, Instrumentation instrumentation) {
    long began = System.nanoTime();
    loadBeforeOtherAgents();
    Settings settings = Settings.of(arguments);
    String levelText = settings.get("log.level", "info");
    Level level = Level.parse(levelText);
    Log.set(new Log(System.err, level == null ? Level.INFO : level, System::nanoTime));
    Log log = Log.get();
    if (level == null) {
      log.warn(
          "setting log.level is '" + levelText + "'; write error, warn, info or debug. Using info");
    }
    for (String key : settings.arguments().keySet()) {
      if (!SETTINGS.contains(key) && !key.startsWith("otel.")) {
        log.warn(
            "unknown agent argument '"
                + key
                + "'; Warden reads "
                + String.join(", ", SETTINGS)
                + " and otel.*");
      }
    }
    String policy = settings.get("policy");
    if (policy == null || policy.isBlank()) {
      log.error(
          "no policy: Warden intercepts nothing. Attach it with -javaagent:warden-agent.jar=policy=/path/policy.yaml"
              + " (or set warden.policy or WARDEN_POLICY)");
      return;
    }
    // Start-up's two big parts run off the main thread, so the application's main starts at once:
    // the policy (and the route catalog) loads on a thread of its own, and Byte Buddy is set up on
    // another (Instrumentations.installDeferred). A call that comes first waits for what it needs:
    // a hooked class for Byte Buddy, a request for the policy (PolicyHolder.current).
    ScheduledExecutorService scheduler = scheduler();
    PolicyHolder holder =
        new PolicyHolder(
            Path.of(policy), RouteCatalog::bundled, SecretResolver.system(), System::nanoTime);
    ThrottleRegistry throttles = new ThrottleRegistry();
    // A policy's Redis stores connect as soon as it is in force, off every thread that serves
    // requests, so that the first call through a shared bucket does not wait for the connection.
    holder.whenActive(
        active -> throttles.storeExecutor().execute(() -> throttles.openStores(active)));
    Thread loading =
        new Thread(
            () -> {
              if (mentionsRedis(Path.of(policy))) {
                // The Redis client's I/O resources (Netty) load beside the policy, not after it.
                throttles.storeExecutor().execute(RedisClients::warmUp);
              }
              holder.loadInitial();
              new PolicyWatcher(holder).start(scheduler, POLICY_POLL_MILLIS);
            },
            "warden-policy-load");
    loading.setDaemon(true);
    loading.start();
    AuditLosses losses = new AuditLosses();
    WardenMetrics metrics =
        new WardenMetrics(
            losses,
            throttles.remaining(),
            holder.refreshes(),
            each -> {
              dev.warden.policy.Policy loaded = holder.loadedPolicy();
              if (loaded != null) {
                throttles.storeStates(loaded, each);
              }
            });
    Auditor auditor =
        new Auditor(
            wake -> {
              JulBridge.install();
              return OtelSpans.create(settings, Version.get(), wake, losses, metrics::bind);
            },
            auditFile(settings, losses),
            losses,
            metrics::record);
    ManagedConnections managed = new ManagedConnections();
    Gateway gateway =
        new Gateway(holder, auditor, throttles, WardenClock.SYSTEM, scheduler, managed);
    Hooks.onSuppressed(
        error ->
            Log.get()
                .error(
                    "internal error in a hook, suppressed so the application carries on: "
                        + error));
    HookSupport.install(gateway);
    Hooks.javaNetHttp = new JdkHttpClientHook(gateway);
    Hooks.urlConnection = new UrlConnectionHookImpl(gateway);
    Hooks.asyncCalls = HookSupport.asyncCalls();
    Hooks.egress = new UnmanagedEgress(holder, managed, auditor, WardenClock.SYSTEM);
    Hooks.adapters =
        new HookAdapters(AgentInstaller.class.getClassLoader(), Instrumentations.adapterPackages());
    long weaving = System.nanoTime();
    Instrumentations.installDeferred(instrumentation);
    long woven = System.nanoTime();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> shutdown(holder, auditor), "warden-shutdown"));
    log.info("Warden " + Version.get() + " guards Jira calls by policy " + policy);
    log.debug(
        "premain took "
            + (System.nanoTime() - began) / 1_000_000
            + " ms: set-up "
            + (weaving - began) / 1_000_000
            + " ms, weaving set off in "
            + (woven - weaving) / 1_000_000
            + " ms");
  }

  /** How long, at most, the JVM's exit waits for Jira calls in flight and credential renewals. */
  static final long SHUTDOWN_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  /**
   * At JVM exit, in order: the Jira calls in flight end (the application's own shutdown may be
   * waiting for them) and renewals in progress write back their rotated refresh token, both within
   * {@link #SHUTDOWN_WAIT_NANOS}; then the audit flushes what it holds (its own bound).
   */
  static void shutdown(PolicyHolder holder, Auditor auditor) {
    long deadline = System.nanoTime() + SHUTDOWN_WAIT_NANOS;
    int unfinished = auditor.awaitCalls(deadline);
    holder.awaitRenewals(deadline);
    if (unfinished > 0) {
      Log.get()
          .warn(
              unfinished
                  + " Jira call(s) still in flight at exit after "
                  + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(SHUTDOWN_WAIT_NANOS)
                  + " s: their audit records are lost and counted");
    }
    auditor.close();
  }

  /**
   * The class the JVM loads when it first customises a method handle (an invokedynamic bootstrap
   * run more than 127 times, counted across threads). Warden's threads link lambdas as the policy
   * loads, beside the premain of an agent attached after it; when that count runs out on the main
   * thread while the other agent's transformer (the OpenTelemetry agent's Byte Buddy) is active,
   * the JVM finds the class's loading circular, and the other agent and the application fail to
   * start with {@code ClassCircularityError: java/lang/invoke/MethodHandle$1}. Loaded here, before
   * any other agent's premain, it is never loaded then.
   */
  private static void loadBeforeOtherAgents() {
    try {
      Class.forName("java.lang.invoke.MethodHandle$1", false, null);
    } catch (ClassNotFoundException | LinkageError e) {
      // Another JDK: its method handles are laid out differently.
    }
  }

  /** Whether the policy file names a Redis store, by a look at its text. */
  static boolean mentionsRedis(Path policy) {
    try {
      String text = java.nio.file.Files.readString(policy);
      return text.contains("redis://") || text.contains("rediss://");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static AuditFile auditFile(Settings settings, AuditLosses losses) {
    String path = settings.get("audit.file");
    if (path == null || path.isBlank()) {
      return null;
    }
    AuditFile.Limits limits;
    try {
      limits =
          AuditFile.Limits.of(settings.get("audit.file.max-size"), settings.get("audit.file.keep"));
    } catch (IllegalArgumentException e) {
      Log.get().error(e.getMessage() + "; using 100MB and 5 files");
      limits = AuditFile.Limits.DEFAULT;
    }
    try {
      return AuditFile.open(Path.of(path), limits, losses);
    } catch (RuntimeException e) {
      Log.get()
          .error(
              "cannot write audit file "
                  + path
                  + " ("
                  + e.getClass().getSimpleName()
                  + "); audit records go to OpenTelemetry only");
      return null;
    }
  }

  private static ScheduledExecutorService scheduler() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "warden-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }
}
