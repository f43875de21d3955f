package dev.warden.agent.pipeline;

import java.util.concurrent.CompletableFuture;

/**
 * One step of the request path. A stage gets the hop and the rest of the chain: it may proceed, or
 * answer by itself (a denial, a throttle) without proceeding.
 */
interface Stage {

  /** Handles a hop. */
  CompletableFuture<Outcome> handle(Hop hop, Chain next);

  /** The rest of the chain. */
  @FunctionalInterface
  interface Chain {
    CompletableFuture<Outcome> proceed(Hop hop);
  }
}
