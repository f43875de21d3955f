package dev.warden.agent.hook.apache.v4_2;

import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.MethodHook;
import dev.warden.agent.pipeline.Gateway;
import java.util.concurrent.ExecutionException;

/**
 * Waits for Warden's handling of a blocking call and hands the outcome back as the hooked method
 * would.
 */
final class Calls {

  private Calls() {}

  static Object await(Gateway gateway, ClientCall<?> call) {
    try {
      return gateway.handle(call).get();
    } catch (ExecutionException e) {
      return new MethodHook.Thrown(Gateway.cause(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new MethodHook.Thrown(new java.io.InterruptedIOException("interrupted"));
    }
  }
}
