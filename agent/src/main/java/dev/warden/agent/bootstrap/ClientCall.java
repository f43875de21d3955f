package dev.warden.agent.bootstrap;

import java.util.concurrent.CompletableFuture;

/**
 * One call of an application's HTTP client, as a hook hands it to Warden: the request in neutral
 * form, and how to send a request through the client and to turn an answer into the client's own
 * response.
 *
 * @param <N> the client's response type
 */
public interface ClientCall<N> {

  /** The request the application made. */
  WardenRequest request();

  /**
   * Sends a request through the application's client, without Warden.
   *
   * @param request the request to send (Warden's changes applied)
   * @param discarded which responses Warden will not hand to the application (a redirect it
   *     follows), so that the hook need not feed their body to the application's handlers
   * @return the response, or the client's exception
   */
  CompletableFuture<WardenResponse> send(WardenRequest request, Discarded discarded);

  /** The client's response object for a response from the network. */
  CompletableFuture<N> toNative(WardenResponse response, WardenRequest sent);

  /** The client's response object for a Warden answer (or its {@code IOException}). */
  CompletableFuture<N> answer(Answer answer);

  /**
   * The redirects Warden must follow on the client's behalf; none (the default) when the client
   * follows none, or shows every hop it follows to its hook.
   */
  default RedirectPolicy redirects() {
    return RedirectPolicy.NONE;
  }

  /**
   * Whether the calling thread blocks until this call completes, so that waits (for a throttle
   * token) may park it rather than be scheduled. An asynchronous client (the default) never has a
   * thread of its parked.
   */
  default boolean blocking() {
    return false;
  }

  /**
   * Whether {@link #send} may be called again after a response came back, to retry a request Jira
   * answered with 429 (a client that sends each request exactly once answers {@code false}; Jira's
   * 429 then reaches the application, and still pauses its scope).
   */
  default boolean resendable() {
    return true;
  }

  /**
   * How many times the client itself sent this same request before, on its own, after a failure
   * (AsyncHttpClient retries a request whose connection closed; Warden's hook below it sees each
   * attempt): the audit record says so as {@code http.request.resend_count}, as OpenTelemetry's
   * HTTP conventions count resends. 0 by default.
   */
  default int clientResends() {
    return 0;
  }

  /**
   * Whether this client's responses can be read whole ({@link WardenResponse#body()}) and made
   * again from bytes ({@link #answer}), so that identical GETs can share one ({@code coalesce:
   * true}).
   */
  default boolean sharesResponses() {
    return false;
  }

  /**
   * Whether this call failed before anything was sent (connection refused), and goes through the
   * pipeline only to be decided and audited with its failure: it never joins identical requests in
   * flight. {@code false} by default.
   */
  default boolean unsent() {
    return false;
  }

  /**
   * Whether the client sends a request to {@code uri} through an HTTP forward proxy as it is
   * (absolute form, not inside a {@code CONNECT} tunnel): the proxy then reads it, credential
   * included. {@code false} by default, for a client that never does or that tunnels every request.
   */
  default boolean forwardProxied(java.net.URI uri) {
    return false;
  }

  /**
   * Called before a call that leads identical ones ({@code coalesce: true}) is sent: its response
   * must then be readable whole ({@link WardenResponse#body()}). A client whose responses stream to
   * the application's own handler as they arrive (the JDK's) reads this one into memory instead,
   * and makes the application's response from the bytes. Nothing by default.
   */
  default void leadsOthers() {}

  /** Tells a hook, from a response's status and header fields, that Warden will discard it. */
  @FunctionalInterface
  interface Discarded {

    /** Nothing is discarded. */
    Discarded NONE = (status, headers) -> false;

    /** Whether the response with this status and these fields will be discarded. */
    boolean test(int status, Headers headers);
  }
}
