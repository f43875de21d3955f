package dev.warden.agent.bootstrap;

/**
 * A response the application's client received from the network, as Warden sees it: status and
 * header fields, and the client's own response object, which Warden hands back untouched.
 */
public final class WardenResponse {

  private final int status;
  private final Headers headers;
  private final Object nativeResponse;
  private final Runnable discard;
  private final BodyReader body;

  /** Reads a response's whole body, as the application would have read it. */
  @FunctionalInterface
  public interface BodyReader {
    byte[] read() throws java.io.IOException;
  }

  /**
   * @param status the status code
   * @param headers the header fields
   * @param nativeResponse the client's response object
   * @param discard releases the response when the application will not see it (a redirect Warden
   *     follows): closes its body
   */
  public WardenResponse(int status, Headers headers, Object nativeResponse, Runnable discard) {
    this(status, headers, nativeResponse, discard, null);
  }

  /**
   * A response whose body Warden may read whole, to share it among callers that asked for the same
   * thing at once ({@code coalesce: true}); the client must then be able to make its own response
   * from an {@link Answer}.
   *
   * @param body reads the body (and releases the response), or {@code null} when the client cannot
   *     share one
   */
  public WardenResponse(
      int status, Headers headers, Object nativeResponse, Runnable discard, BodyReader body) {
    this.status = status;
    this.headers = headers;
    this.nativeResponse = nativeResponse;
    this.discard = discard;
    this.body = body;
  }

  /** How to read the whole body, or {@code null} when this client's responses cannot be shared. */
  public BodyReader body() {
    return body;
  }

  public int status() {
    return status;
  }

  public Headers headers() {
    return headers;
  }

  /** The client's own response object. */
  public Object nativeResponse() {
    return nativeResponse;
  }

  /** Releases the response: the application will not see it. */
  public void discard() {
    discard.run();
  }
}
