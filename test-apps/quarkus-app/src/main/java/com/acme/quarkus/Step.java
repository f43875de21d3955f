package com.acme.quarkus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One call the application makes, read from its steps file (the end-to-end suite's format). */
public class Step {
  /**
   * Which part of the application makes the call: {@code sync}, {@code triage}, {@code reports}.
   */
  public String as;

  public String method = "GET";
  public String url;
  public Map<String, String> headers = new LinkedHashMap<>();
  public String body;

  /** Instead of a call: pause this many milliseconds. */
  public long sleep;

  /** Make the call this many times, at once, from as many threads. */
  public int parallel = 1;

  /** Unused here: the suite's other clients. */
  public List<String> clients;

  /** Make the call through a client with this read timeout in milliseconds; 0 for the main one. */
  public int readTimeoutMs;
}
