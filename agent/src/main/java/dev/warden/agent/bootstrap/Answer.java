package dev.warden.agent.bootstrap;

import java.nio.charset.StandardCharsets;

/**
 * A response Warden gives instead of Jira's: a denial (403), a throttle (429) or an unavailable
 * credential or policy (503). Hooks turn it into their client's own response type, or, for a client
 * that cannot be handed a made-up response, into an {@code IOException} whose message is {@link
 * #message()}.
 */
public final class Answer {

  private final int status;
  private final String reason;
  private final Headers headers;
  private final byte[] body;
  private final String message;

  /**
   * @param status the status code
   * @param reason the reason phrase, such as {@code Forbidden}
   * @param headers the header fields, {@code Content-Type} and {@code X-Warden-*} included
   * @param body the body (Jira's error shape)
   * @param message the one-line text, starting {@code warden:}
   */
  public Answer(int status, String reason, Headers headers, byte[] body, String message) {
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.body = body.clone();
    this.message = message;
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }

  public Headers headers() {
    return headers;
  }

  public byte[] body() {
    return body.clone();
  }

  /** The body as text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The message an {@code IOException} carries for a client that cannot be handed this response.
   */
  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return status + " " + message;
  }
}
