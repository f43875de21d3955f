package dev.warden.testapps;

/**
 * The client scenarios on Vert.x WebClient 5.0, send() with the response taken back to the calling
 * thread.
 */
class Vertx50IT extends ClientScenarios {

  @Override
  String client() {
    return "vertx";
  }

  /** WebClient negotiates HTTP/2 by ALPN when its options ask for it ({@code --http2}). */
  @Override
  boolean http2() {
    return true;
  }

  @Override
  String library() {
    return "vertx-5.0";
  }

  @Override
  boolean resendsJira429() {
    return false;
  }
}
