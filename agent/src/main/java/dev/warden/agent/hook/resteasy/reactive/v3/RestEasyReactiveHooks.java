package dev.warden.agent.hook.resteasy.reactive.v3;

import dev.warden.agent.caller.Callsite;
import dev.warden.agent.hook.CallOrigin;
import dev.warden.agent.hook.WeakIdentityMap;
import java.net.URI;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** The adapters of {@link RestEasyReactiveInstrumentation}. */
public final class RestEasyReactiveHooks {

  private RestEasyReactiveHooks() {}

  /** Where each call to a site was issued, by its request context (identity, weakly). */
  private static final WeakIdentityMap<Callsite> ISSUED = new WeakIdentityMap<>();

  /** A request context made on the application's thread: its call site, if bound for a site. */
  public static final class Issued implements BiConsumer<Object, Object> {

    @Override
    public void accept(Object context, Object target) {
      if (target instanceof URI uri) {
        Callsite issued =
            CallOrigin.issue(
                uri.getScheme(),
                dev.warden.policy.SiteUrl.hostOf(uri),
                dev.warden.policy.SiteUrl.portOf(uri));
        if (issued != null) {
          ISSUED.put(context, issued);
        }
      }
    }
  }

  /**
   * The context's request is being sent: its call site holds on this thread until the returned
   * restore runs (at the send's end), or {@code null} when the context has none.
   */
  public static final class Enter implements Function<Object, Object> {

    @Override
    public Object apply(Object context) {
      Callsite issued = ISSUED.get(context);
      if (issued == null) {
        return null;
      }
      Callsite previous = CallOrigin.enterIssued(issued);
      return (Runnable) () -> CallOrigin.exitIssued(previous);
    }
  }
}
