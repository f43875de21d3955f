package dev.warden.testapps;

/**
 * The client scenarios on Vert.x WebClient 4.5, send() with the response read in its callback on
 * the event loop.
 */
class Vertx45IT extends ClientScenarios {

  @Override
  String client() {
    return "vertx-async";
  }

  /** WebClient negotiates HTTP/2 by ALPN when its options ask for it ({@code --http2}). */
  @Override
  boolean http2() {
    return true;
  }

  @Override
  String library() {
    return "vertx-4.5";
  }

  @Override
  boolean resendsJira429() {
    return false;
  }
}
