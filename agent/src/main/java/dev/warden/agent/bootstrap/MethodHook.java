package dev.warden.agent.bootstrap;

/**
 * A library hook's adapter for a method it takes over: advice on the method hands it the target and
 * the arguments; the adapter answers with what the method returns instead, or lets the method run.
 * For libraries with no extension point of their own to plug an adapter into.
 */
public interface MethodHook {

  /**
   * Called on entry to the hooked method.
   *
   * @param self the object the method was called on
   * @param arguments the method's arguments
   * @return {@code null} to let the method run; otherwise what it returns, or a {@link Thrown} for
   *     what it throws
   */
  Object enter(Object self, Object[] arguments);

  /**
   * What the hooked method throws.
   *
   * @param error the exception
   */
  record Thrown(Throwable error) {}
}
