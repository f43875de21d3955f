package dev.warden.agent.egress;

import dev.warden.agent.audit.AmbientTrace;
import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.audit.AuditSink;
import dev.warden.agent.audit.Decisions;
import dev.warden.agent.bootstrap.EgressHook;
import dev.warden.agent.caller.Caller;
import dev.warden.agent.log.Log;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.WardenClock;
import dev.warden.agent.policy.PolicyHolder;
import dev.warden.agent.policy.PolicySnapshot;
import dev.warden.agent.policy.PolicyState;
import dev.warden.policy.Site;
import dev.warden.policy.SiteUrl;
import dev.warden.policy.Words;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/**
 * {@code unmanaged-egress} (CONTRACT section 3): a connection to a site's host and port that no
 * hooked client made is recorded ({@code audit}), also refused ({@code block}), or ignored ({@code
 * off}). Every other connection costs a comparison or two.
 */
public final class UnmanagedEgress implements EgressHook {

  private final PolicyHolder policies;
  private final ManagedConnections managed;
  private final AuditSink audit;
  private final WardenClock clock;

  public UnmanagedEgress(
      PolicyHolder policies, ManagedConnections managed, AuditSink audit, WardenClock clock) {
    this.policies = policies;
    this.managed = managed;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public String connecting(SocketAddress address) {
    if (!(address instanceof InetSocketAddress inet) || Bypass.active()) {
      return null;
    }
    PolicyState state = policies.current();
    if (!(state instanceof PolicyState.Active active)) {
      return null;
    }
    PolicySnapshot snapshot = active.snapshot();
    Mode mode = Mode.of(snapshot.policy().unmanagedEgress());
    if (mode == Mode.OFF) {
      return null;
    }
    String host = inet.getHostString();
    int port = inet.getPort();
    Site site = siteAt(snapshot, inet);
    // A hooked client's send to the site may connect by name or by any of its addresses, and by
    // the name of another site at the same address.
    if (site == null || managed.active(site.url().host(), port) || managed.active(host, port)) {
      return null;
    }
    Caller caller = snapshot.callers().find();
    long now = clock.epochNanos();
    audit.record(
        AuditRecord.connect(host, port, now)
            .traceparent(AmbientTrace.traceparent())
            .put(AuditAttributes.WARDEN_CALLER, caller.qualifiedMethod())
            .put(AuditAttributes.WARDEN_DECISION, Decisions.UNMANAGED)
            .end(now));
    boolean refuse = mode == Mode.BLOCK && !snapshot.policy().dryRun();
    Log.get()
        .warn(
            "unmanaged connection to Jira site "
                + host
                + ":"
                + port
                + " from "
                + caller.qualifiedMethod()
                + ": it was not made by an HTTP client Warden hooks; "
                + (refuse
                    ? "refused (unmanaged-egress: block)"
                    : mode == Mode.BLOCK
                        ? "let through (dry-run; unmanaged-egress: block would refuse it)"
                        : "recorded (unmanaged-egress: audit)"));
    if (refuse) {
      return "warden: connection to "
          + host
          + ":"
          + port
          + " refused: it was not made by an HTTP client Warden hooks"
          + " (unmanaged-egress: block)";
    }
    return null;
  }

  /**
   * The site at this address: same port, and the same host name, or (for a resolved address) one of
   * the addresses the site's host resolves to. Only a connection on a site's port costs a lookup,
   * which the JDK's name cache answers.
   */
  private static Site siteAt(PolicySnapshot snapshot, InetSocketAddress address) {
    for (Site site : snapshot.policy().sites()) {
      if (site.url().port() != address.getPort()) {
        continue;
      }
      if (site.url().host().equals(SiteUrl.canonicalHost(address.getHostString()))
          || resolvesTo(site.url().host(), address.getAddress())) {
        return site;
      }
    }
    return null;
  }

  private static boolean resolvesTo(String host, InetAddress address) {
    if (address == null) {
      return false;
    }
    try {
      for (InetAddress candidate : InetAddress.getAllByName(host)) {
        if (candidate.equals(address)) {
          return true;
        }
      }
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
    return false;
  }

  private enum Mode {
    AUDIT,
    BLOCK,
    OFF;

    static Mode of(Words.UnmanagedEgress word) {
      return word == Words.UnmanagedEgress.BLOCK
          ? BLOCK
          : word == Words.UnmanagedEgress.OFF ? OFF : AUDIT;
    }
  }
}
