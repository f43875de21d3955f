package dev.warden.agent.caller;

/**
 * Where a request was made, captured cheaply on the calling thread: the calling class at once (for
 * decisions), and a backtrace from which the calling method is read later, off the request path
 * (for the audit record).
 */
public final class Callsite {

  /** A call site with no application code on the stack. */
  public static final Callsite UNKNOWN = new Callsite(null, null, null);

  private final String callerClass;

  /** Whether {@link #callerClass} was found when the call was made, rather than read later. */
  private final boolean classCaptured;

  private final Throwable trace;
  private final CallerFinder finder;
  private final String traceparent;
  private volatile Caller resolved;

  Callsite(String callerClass, Throwable trace, CallerFinder finder) {
    this(callerClass, true, trace, finder, null);
  }

  /** A call site whose class is read from the backtrace with its method, when first asked. */
  static Callsite deferred(Throwable trace, CallerFinder finder) {
    return new Callsite(null, false, trace, finder, null);
  }

  private Callsite(
      String callerClass,
      boolean classCaptured,
      Throwable trace,
      CallerFinder finder,
      String traceparent) {
    this.callerClass = callerClass;
    this.classCaptured = classCaptured;
    this.trace = trace;
    this.finder = finder;
    this.traceparent = traceparent;
    if (trace == null) {
      resolved = callerClass == null ? Caller.UNKNOWN : null;
    }
  }

  /**
   * This call site with the application's trace context where the call was issued (a W3C {@code
   * traceparent}, or {@code null}).
   */
  public Callsite withTraceparent(String traceparent) {
    Callsite site = new Callsite(callerClass, classCaptured, trace, finder, traceparent);
    site.resolved = resolved;
    return site;
  }

  /** The application's trace context where the call was issued, if it was captured with it. */
  public String traceparent() {
    return traceparent;
  }

  /** A call site already resolved (where frames were walked directly). */
  static Callsite of(Caller caller) {
    Callsite site = new Callsite(caller.className(), null, null);
    site.resolved = caller;
    return site;
  }

  /**
   * The calling class, nested classes folded into their outer class; {@code null} when not found.
   */
  public String callerClass() {
    return classCaptured ? callerClass : caller().className();
  }

  /**
   * The calling class if it was found as the call was made, for decisions on the request path;
   * {@code null} when no rule needed it then (or none was found).
   */
  public String capturedClass() {
    return callerClass;
  }

  /**
   * The calling class and method. Reads the backtrace the first time: call it off the request path.
   */
  public Caller caller() {
    Caller caller = resolved;
    if (caller == null) {
      caller = finder.find(trace.getStackTrace());
      if (classCaptured && caller.known() && !caller.className().equals(callerClass)) {
        // The class context and the backtrace disagree only if frames differ between them; trust
        // the class.
        caller = new Caller(callerClass, caller.methodName());
      }
      resolved = caller;
    }
    return caller;
  }
}
