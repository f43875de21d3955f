package dev.warden.agent.bootstrap;

import java.net.URI;
import java.util.Locale;

/**
 * A request in Warden's neutral form: what a hook reads from its client and rebuilds its client's
 * request from.
 */
public final class WardenRequest {

  private final String method;
  private final URI uri;
  private final Headers headers;
  private final Body body;

  /**
   * @param method the HTTP method
   * @param uri the absolute URI, as the client will send it
   * @param headers the header fields the application set
   * @param body the body
   */
  public WardenRequest(String method, URI uri, Headers headers, Body body) {
    this.method = method.toUpperCase(Locale.ROOT);
    this.uri = uri;
    this.headers = headers;
    this.body = body;
  }

  public String method() {
    return method;
  }

  public URI uri() {
    return uri;
  }

  public Headers headers() {
    return headers;
  }

  public Body body() {
    return body;
  }

  /** This request with other header fields. */
  public WardenRequest withHeaders(Headers headers) {
    return new WardenRequest(method, uri, headers, body);
  }

  /** This request to another URI. */
  public WardenRequest withUri(URI uri) {
    return new WardenRequest(method, uri, headers, body);
  }

  /** This request with another method and body (a redirect that turns a POST into a GET). */
  public WardenRequest withMethod(String method, Body body) {
    return new WardenRequest(method, uri, headers, body);
  }

  /** Method and URI without query: the query can hold credentials. */
  @Override
  public String toString() {
    return method + " " + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }
}
