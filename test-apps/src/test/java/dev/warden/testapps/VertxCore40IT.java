package dev.warden.testapps;

/**
 * The client scenarios on plain Vert.x core {@code HttpClient} 4.0 ({@code
 * request(RequestOptions)}, then {@code send}), the response read in its callback on the event
 * loop. Its HTTP/1.1 requests are decided by Warden's Netty gate.
 */
class VertxCore40IT extends ClientScenarios {

  @Override
  String client() {
    return "vertx-core-async";
  }

  @Override
  String library() {
    return "vertx-4.0";
  }

  /** Each request is gated inside its own connection and sent once. */
  @Override
  boolean resendsJira429() {
    return false;
  }
}
