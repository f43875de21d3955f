package com.acme.http;

import java.util.Map;

/** What the application saw of one call. */
public class Result {
  public int status;
  public Map<String, String> headers;
  public String body;

  /**
   * What the application can read back of the {@code Authorization} it sent, through its client's
   * objects.
   */
  public String visibleAuthorization;

  /**
   * The same through the client's other objects: the execution context the application passed
   * (Apache HttpClient), the network response's request (OkHttp), the previous response's request
   * (JDK).
   */
  public String contextAuthorization;

  public String version;
  public String error;
  public String message;
}
