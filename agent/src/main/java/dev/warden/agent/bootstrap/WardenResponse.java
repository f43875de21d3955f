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

  /**
   * @param status the status code
   * @param headers the header fields
   * @param nativeResponse the client's response object
   * @param discard releases the response when the application will not see it (a redirect
   *     Warden follows): closes its body
   */
  public WardenResponse(int status, Headers headers, Object nativeResponse, Runnable discard) {
    this.status = status;
    this.headers = headers;
    this.nativeResponse = nativeResponse;
    this.discard = discard;
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
