package dev.warden.agent.caller;

/**
 * Where a request was made: the calling class and method, found on the calling thread as the call
 * was made (see {@link CallerFinder#capture()}), and the application's trace context there.
 */
public final class Callsite {

  /** A call site with no application code on the stack. */
  public static final Callsite UNKNOWN = new Callsite(Caller.UNKNOWN, null);

  private final Caller caller;
  private final String traceparent;

  private Callsite(Caller caller, String traceparent) {
    this.caller = caller;
    this.traceparent = traceparent;
  }

  /** The call site of this caller. */
  static Callsite of(Caller caller) {
    return caller.known() ? new Callsite(caller, null) : UNKNOWN;
  }

  /**
   * This call site with the application's trace context where the call was issued (a W3C {@code
   * traceparent}, or {@code null}).
   */
  public Callsite withTraceparent(String traceparent) {
    return traceparent == null && this.traceparent == null
        ? this
        : new Callsite(caller, traceparent);
  }

  /** The application's trace context where the call was issued, if it was captured with it. */
  public String traceparent() {
    return traceparent;
  }

  /**
   * The calling class, nested classes folded into their outer class; {@code null} when not found.
   */
  public String callerClass() {
    return caller.className();
  }

  /** The calling class and method. */
  public Caller caller() {
    return caller;
  }
}
