package dev.warden.testapps;

/**
 * The client scenarios on plain Vert.x core {@code HttpClient} 4.5 ({@code
 * request(RequestOptions)}, then {@code send}), the response taken back to the calling thread. Its
 * HTTP/1.1 requests are decided by Warden's Netty gate.
 */
class VertxCore45IT extends ClientScenarios {

  @Override
  String client() {
    return "vertx-core";
  }

  @Override
  String library() {
    return "vertx-4.5";
  }

  /** Each request is gated inside its own connection and sent once. */
  @Override
  boolean resendsJira429() {
    return false;
  }
}
