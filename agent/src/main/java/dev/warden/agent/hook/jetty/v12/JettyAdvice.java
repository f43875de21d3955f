package dev.warden.agent.hook.jetty.v12;

import dev.warden.agent.bootstrap.Hooks;
import dev.warden.agent.bootstrap.MethodHook;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.client.transport.HttpRequest;

/** The advice of {@link JettyInstrumentation}: thin glue to the adapters, which do the work. */
public final class JettyAdvice {

  private JettyAdvice() {}

  /**
   * {@code HttpRequest.send(Response.CompleteListener)}: the adapter takes the request over (the
   * method is then skipped) or lets it run. It gets the request's {@code HttpClient}, which the
   * request keeps in a private field, to send Warden's copy through.
   */
  public static final class Send {

    private Send() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static Object enter(
        @Advice.This Object request,
        @Advice.FieldValue("client") Object client,
        @Advice.Argument(0) Object listener) {
      Object hook =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.jetty.v12.SendHook", HttpRequest.class.getClassLoader());
      return hook == null
          ? null
          : ((MethodHook) hook).enter(request, new Object[] {client, listener});
    }
  }

  /**
   * {@code HttpRequest.abort(cause)} and (12.1) {@code fail(cause)}: aborts Warden's copy too, then
   * runs.
   */
  public static final class Abort {

    private Abort() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object request, @Advice.Argument(0) Object cause) {
      Object hook =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.jetty.v12.AbortHook", HttpRequest.class.getClassLoader());
      if (hook != null) {
        ((MethodHook) hook).enter(request, new Object[] {cause});
      }
    }
  }

  /**
   * After {@code HttpConnection.normalizeRequest(request)}: Warden's credential, and only it, on
   * Warden's copy.
   */
  public static final class Normalize {

    private Normalize() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object connection, @Advice.Argument(0) Object request) {
      Object hook =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.jetty.v12.NormalizeHook", HttpRequest.class.getClassLoader());
      if (hook != null) {
        ((MethodHook) hook).enter(connection, new Object[] {request});
      }
    }
  }
}
