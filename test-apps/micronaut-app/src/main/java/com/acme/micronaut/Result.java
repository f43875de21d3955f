package com.acme.micronaut;

import java.util.Map;

/** What the application saw of one call. */
public class Result {
  public int status;
  public Map<String, String> headers;
  public String body;

  /** The {@code Authorization} the application's own response filter read back from the request. */
  public String visibleAuthorization;

  public String error;
  public String message;
}
