package dev.warden.testapps;

/**
 * The client scenarios on Jetty HttpClient 12.1.7, send(listener) with a BufferingResponseListener.
 */
class Jetty1217AsyncIT extends ClientScenarios {

  @Override
  String client() {
    return "jetty-async";
  }

  @Override
  String library() {
    return "jetty-12.1.7";
  }

  /** With the HTTP/2 transport and ALPN on the class path, Jetty negotiates h2 over TLS. */
  @Override
  boolean http2() {
    return true;
  }

  @Override
  java.util.Set<String> refusedByTheClient() {
    // java.net.URI takes 127.1 as no server: "Invalid URI host: null".
    return java.util.Set.of("short-ip");
  }
}
