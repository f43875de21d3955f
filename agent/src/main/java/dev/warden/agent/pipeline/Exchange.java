package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AmbientTrace;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.policy.PolicySnapshot;

/** One call of the application, across its redirect hops. */
final class Exchange {

  private final ClientCall<?> call;
  private final PolicySnapshot snapshot;
  private final Callsite callsite;
  private final Waiter waiter;
  private final String header;
  private final boolean issuedElsewhere;
  private String traceparent;
  private boolean traced;

  /**
   * @param call the hook's view of the call
   * @param snapshot the policy it is decided by (one policy for all its hops)
   * @param callsite where in the application it was made
   * @param issuedElsewhere whether the call was issued on another thread (the callsite then carries
   *     its trace context)
   * @param waiter how its waits are spent
   * @param header the request's own W3C {@code traceparent}, or {@code null}
   */
  Exchange(
      ClientCall<?> call,
      PolicySnapshot snapshot,
      Callsite callsite,
      boolean issuedElsewhere,
      Waiter waiter,
      String header) {
    this.call = call;
    this.snapshot = snapshot;
    this.callsite = callsite;
    this.issuedElsewhere = issuedElsewhere;
    this.waiter = waiter;
    this.header = header;
  }

  ClientCall<?> call() {
    return call;
  }

  PolicySnapshot snapshot() {
    return snapshot;
  }

  /**
   * The calling class as this policy's rules and throttles need it: none when no rule names
   * callers.
   */
  String callerClassForRules() {
    return snapshot.callers().decidesByCaller() ? callsite.callerClass() : null;
  }

  Callsite callsite() {
    return callsite;
  }

  Waiter waiter() {
    return waiter;
  }

  /**
   * The parent of the audit span: the request's {@code traceparent}, else the application's current
   * span where the call was made. First asked on the calling thread, for Jira-bound calls only.
   */
  String traceparent() {
    if (!traced) {
      traceparent =
          header != null
              ? header
              : issuedElsewhere ? callsite.traceparent() : AmbientTrace.traceparent();
      traced = true;
    }
    return traceparent;
  }
}
