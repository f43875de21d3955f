package dev.warden.agent.bootstrap;

/**
 * Remembers where an asynchronous call was issued, so that the code that issued it is its caller,
 * not the pool thread that later runs it. Advice on a client's "enqueue" method calls {@link
 * #issued} with the call object; the adapter looks it up when the call runs.
 */
public interface AsyncCalls {

  /** Remembers nothing. */
  AsyncCalls NONE = (call, scheme, host, port) -> {};

  /**
   * Captures the current call site for {@code call}, if it is bound for a site's origin (other
   * calls cost a lookup and nothing more).
   *
   * @param port the URL's port, or -1 for the scheme's default
   */
  void issued(Object call, String scheme, String host, int port);
}
