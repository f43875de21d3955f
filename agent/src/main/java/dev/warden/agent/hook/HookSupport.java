package dev.warden.agent.hook;

import dev.warden.agent.bootstrap.AsyncCalls;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.log.Log;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.policy.SiteUrl;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What library adapters reach Warden through: the gateway, and the call sites of asynchronous calls
 * captured when they were issued. Set once when Warden starts.
 */
public final class HookSupport implements AsyncCalls {

  private static volatile Gateway gateway;
  private static final HookSupport ASYNC = new HookSupport();

  /** Call objects (identity, weakly held) to where they were issued. */
  private final Map<Object, Callsite> issued = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * Entries put and not yet taken (at least as many as the map holds: one the collector cleared
   * stays counted), so that a call never issued asynchronously, the common case, takes no lock.
   */
  private final java.util.concurrent.atomic.AtomicInteger pending =
      new java.util.concurrent.atomic.AtomicInteger();

  private HookSupport() {}

  /** Installs the gateway adapters use. */
  public static void install(Gateway installed) {
    gateway = installed;
  }

  /** The gateway; {@code null} before Warden starts (adapters then pass everything through). */
  public static Gateway gateway() {
    return gateway;
  }

  /** The {@link AsyncCalls} that advice on "enqueue" methods reports to. */
  public static AsyncCalls asyncCalls() {
    return ASYNC;
  }

  @Override
  public void issued(Object call, String scheme, String host, int port) {
    Gateway current = gateway;
    if (current != null
        && current.isSiteOrigin(scheme, host, SiteUrl.effectivePort(scheme, port))) {
      pending.incrementAndGet();
      if (issued.put(call, current.capture()) != null) {
        pending.decrementAndGet();
      }
    }
  }

  /** Where {@code call} was issued, if an "enqueue" advice saw it; forgets it. */
  public static Callsite issuedAt(Object call) {
    if (call == null || ASYNC.pending.get() == 0) {
      return null;
    }
    Callsite callsite = ASYNC.issued.remove(call);
    if (callsite != null) {
      ASYNC.pending.decrementAndGet();
    }
    return callsite;
  }

  /**
   * What Warden decided for a response an async client is handing over on its I/O thread (deliver
   * it or drop it). Warden's pipeline runs on, on this thread, as the response future completes, so
   * the decision is normally there already; the short wait covers the rare case where the pipeline
   * had not yet attached itself to that future when the response arrived.
   */
  public static <T> T decisionFor(CompletableFuture<T> decision) throws IOException {
    try {
      return decision.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      Log.get()
          .error("internal error: a Jira response was not handed on within 10 s; the call fails");
      throw new IOException("warden: internal error handing on the response");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      throw new IOException("warden: internal error handing on the response", e.getCause());
    }
  }
}
