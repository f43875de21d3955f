package dev.warden.agent.hook;

/**
 * A hook woven as one call to a static method, without Byte Buddy: for the JDK's classes, whose
 * methods Warden names by exact descriptor. The call goes at the method's entry or before each of
 * its returns, and what it returns decides what the method does (see {@link Kind}).
 *
 * <p>Weaving these needs only ASM (a few dozen classes), so an application whose first Jira call
 * goes through the JDK never waits for Byte Buddy (several hundred classes) to be set up.
 *
 * @param type the class, internal name ({@code jdk/internal/net/http/HttpClientImpl})
 * @param method the method's name
 * @param descriptor the method's descriptor; a class without it is logged, not woven
 * @param kind where the call goes and what its result does
 * @param owner the internal name of the class of the static method called
 * @param hook the static method's name; its descriptor follows from {@code kind} and the method's
 */
public record HookCall(
    String type, String method, String descriptor, Kind kind, String owner, String hook) {

  /** Where the call goes, and what its result does. */
  public enum Kind {
    /**
     * At entry, the hook gets {@code this} and every argument, as {@code Object}s; when it returns
     * something (not {@code null}), the method returns that instead of running. The hook returns
     * the method's return type.
     */
    ENTER_RETURN_IF_SET,
    /**
     * At entry, the hook gets the first argument, as declared; when it returns a {@code String},
     * the method throws a {@code java.net.ConnectException} with that message instead of running.
     */
    ENTER_REFUSE_CONNECT,
    /**
     * Before each return, the hook gets the result and every argument, as declared, and returns
     * what the method returns.
     */
    EXIT_REPLACE_RESULT
  }
}
