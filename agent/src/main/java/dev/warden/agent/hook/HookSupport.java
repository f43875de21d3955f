package dev.warden.agent.hook;

import dev.warden.agent.bootstrap.AsyncCalls;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.policy.SiteUrl;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What library adapters reach Warden through: the gateway, and the call sites of asynchronous
 * calls captured when they were issued. Set once when Warden starts.
 */
public final class HookSupport implements AsyncCalls {

  private static volatile Gateway gateway;
  private static final HookSupport ASYNC = new HookSupport();

  /** Call objects (identity, weakly held) to where they were issued. */
  private final Map<Object, Callsite> issued = Collections.synchronizedMap(new WeakHashMap<>());

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
    if (current != null && current.isSiteOrigin(scheme, host, port >= 0 ? port : SiteUrl.defaultPort(scheme))) {
      issued.put(call, current.capture());
    }
  }

  /** Where {@code call} was issued, if an "enqueue" advice saw it; forgets it. */
  public static Callsite issuedAt(Object call) {
    return call == null ? null : ASYNC.issued.remove(call);
  }
}
