package dev.warden.testapps.fakejira;

import java.util.List;
import java.util.Map;

/**
 * One request a fake server received, as the journal keeps it.
 *
 * @param method the HTTP method
 * @param path the raw path, context path included
 * @param query the raw query, or {@code null}
 * @param headers the header fields, names in lower case
 * @param body the body as text
 * @param principal who the credentials identify ({@code basic:<user>}, {@code bearer:<token
 *     name>}), or {@code null}
 * @param protocol {@code HTTP/1.1} or {@code HTTP/2.0}
 * @param atMillis when it arrived (epoch milliseconds)
 */
public record Received(
    String method,
    String path,
    String query,
    Map<String, List<String>> headers,
    String body,
    String principal,
    String protocol,
    long atMillis) {

  /** The first value of a header field, or {@code null}. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** {@code METHOD path?query}. */
  @Override
  public String toString() {
    return method
        + " "
        + path
        + (query == null ? "" : "?" + query)
        + " ("
        + (principal == null ? "anonymous" : principal)
        + ")";
  }
}
