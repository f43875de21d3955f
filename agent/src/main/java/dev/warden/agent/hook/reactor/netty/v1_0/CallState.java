package dev.warden.agent.hook.reactor.netty.v1_0;

import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.hook.UnsentCall;
import dev.warden.agent.pipeline.Gateway;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * One subscription to a Jira-bound call, carried in its Reactor context from the application's
 * thread to the event loop where each hop is decided: where the call was made, what its
 * configuration says (for a call that fails before any hop), and the hop being decided now.
 */
final class CallState {

  /** The key of this state in the call's Reactor context. */
  static final Object KEY = CallState.class;

  final Callsite callsite;
  final String method;
  final URI target;
  final Headers headers;
  final Duration responseTimeout;

  /** Whether the client's connections to the target go through a proxy. */
  volatile boolean proxied;

  /** A hop of this call went to a site: a later hop to another host carries no credential. */
  volatile boolean siteChain;

  /** The hop that is being decided or is waiting for its response. */
  volatile Gate current;

  private final AtomicInteger gated = new AtomicInteger();

  CallState(
      Callsite callsite, String method, URI target, Headers headers, Duration responseTimeout) {
    this.callsite = callsite;
    this.method = method;
    this.target = target;
    this.headers = headers;
    this.responseTimeout = responseTimeout;
  }

  /** A hop of this call reached its gate. */
  void gated(Gate gate) {
    gated.incrementAndGet();
    siteChain = true;
    current = gate;
  }

  /** The hop {@code gate} decided has its outcome. */
  void settled(Gate gate) {
    if (current == gate) {
      current = null;
    }
  }

  /**
   * The call failed as Reactor Netty reports it: the hop waiting for its response ends with it; a
   * call that failed before any hop was decided (connection refused, TLS, pool) is audited through
   * the pipeline with that failure. The application gets the failure unchanged.
   */
  <T> Mono<T> failed(Gateway gateway, Throwable error) {
    Gate gate = current;
    if (gate != null) {
      gate.failed(error);
    } else if (gated.get() == 0) {
      gateway.handle(new UnsentCall(method, target, headers, error), callsite);
    }
    return Mono.error(error);
  }

  /** The application cancelled the call: a hop still waiting ends, so that it is audited. */
  void cancelled() {
    Gate gate = current;
    if (gate != null) {
      gate.failed(new java.io.IOException("warden: the application cancelled the call"));
    }
  }
}
