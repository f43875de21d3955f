package dev.warden.testapps;

/**
 * The client scenarios on AsyncHttpClient 3.0 ({@code executeRequest}), the response read in a
 * callback on the I/O thread. Its requests are decided by Warden's Netty gate; it would negotiate
 * HTTP/2 over TLS, which Warden turns off for a site's connections.
 */
class Ahc30IT extends ClientScenarios {

  @Override
  String client() {
    return "ahc-async";
  }

  @Override
  String library() {
    return "ahc-3.0";
  }

  /** Each request is gated inside its own connection and sent once. */
  @Override
  boolean resendsJira429() {
    return false;
  }
}
