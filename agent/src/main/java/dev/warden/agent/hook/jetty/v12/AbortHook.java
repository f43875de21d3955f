package dev.warden.agent.hook.jetty.v12;

import dev.warden.agent.bootstrap.MethodHook;

/**
 * The application aborts (or, on 12.1, fails) a request Warden took over: Warden's copy in flight
 * is aborted with the same cause, and a copy not yet sent never will be. The application's request
 * then runs its own {@code abort}, which finds nothing of its own in flight.
 */
public final class AbortHook implements MethodHook {

  @Override
  public Object enter(Object self, Object[] arguments) {
    JettyCall call = JettyCall.takenOver(self);
    if (call != null && arguments[0] instanceof Throwable cause) {
      call.abort(cause);
    }
    return null;
  }
}
