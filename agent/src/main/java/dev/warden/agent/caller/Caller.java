package dev.warden.agent.caller;

/**
 * The application code that made a request: the first stack frame that is not Warden, the JDK, an
 * HTTP client, a framework or a Jira client library.
 *
 * @param className the class, nested, anonymous, lambda and proxy classes folded into the class
 *     that declares them; {@code null} when not found
 * @param methodName the method, a lambda's body named after the method that declares it
 */
public record Caller(String className, String methodName) {

  /** A call whose caller cannot be found. */
  public static final Caller UNKNOWN = new Caller(null, null);

  /** Whether the caller was found. */
  public boolean known() {
    return className != null;
  }

  /** {@code fully.qualified.Class.method}, or {@code unknown}. */
  public String qualifiedMethod() {
    return className == null ? "unknown" : className + "." + methodName;
  }
}
