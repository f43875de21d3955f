package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.policy.PolicySnapshot;

/**
 * One call of the application, across its redirect hops.
 *
 * @param call the hook's view of the call
 * @param snapshot the policy it is decided by (one policy for all its hops)
 * @param callsite where in the application it was made
 * @param waiter how its waits are spent
 * @param traceparent the application's W3C {@code traceparent}, or {@code null}
 */
record Exchange(ClientCall<?> call, PolicySnapshot snapshot, Callsite callsite, Waiter waiter, String traceparent) {}
