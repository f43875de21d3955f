package com.acme.http;

/** How the sample application configures its client. */
public class Options {
  public boolean http2;
  public boolean followRedirects;
  public int connectTimeoutMillis = 5000;
  public int readTimeoutMillis = 20000;

  /** An HTTP forward proxy to send every request through, or {@code null} for none. */
  public java.net.InetSocketAddress proxy;
}
