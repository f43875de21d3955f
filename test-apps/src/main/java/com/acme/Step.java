package com.acme;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One call the sample application makes, read from its steps file. Plain fields: the application
 * parses them with its own (older) Jackson.
 */
public class Step {
  /**
   * Which part of the application makes the call: {@code sync}, {@code triage}, {@code reports}, or
   * the main class.
   */
  public String as;

  public String method = "GET";
  public String url;
  public Map<String, String> headers = new LinkedHashMap<>();
  public String body;

  /** For {@code HttpURLConnection}: {@code fixed} or {@code chunked} streaming of the body. */
  public String streaming;

  /**
   * For {@code HttpURLConnection}: read the status before ({@code true}) or after the input stream.
   */
  public boolean statusFirst = true;

  /** Instead of a call: pause this many milliseconds. */
  public long sleep;

  /** Instead of a call: wait until this file exists. */
  public String awaitFile;

  /** Instead of a call: create this file (to tell a test the steps before it are done). */
  public String touchFile;

  /** Make the call this many times, at once, from as many threads. */
  public int parallel = 1;

  /**
   * With {@code parallel}: thread {@code t} calls through client {@code clients[t % size]} instead
   * of the main one.
   */
  public java.util.List<String> clients;

  /**
   * Make the call through a client of the same library configured for HTTP/2 (made once, on the
   * first step that asks).
   */
  public boolean http2;

  /**
   * Make the call through a client of the same library with this read timeout in milliseconds (made
   * once per timeout); 0 for the main client's.
   */
  public int readTimeoutMs;
}
