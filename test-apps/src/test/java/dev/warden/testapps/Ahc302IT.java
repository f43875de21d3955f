package dev.warden.testapps;

/**
 * The client scenarios on the oldest AsyncHttpClient 3.0 served (3.0.2), the calling thread waiting
 * on the call's future. Its requests are decided by Warden's Netty gate.
 */
class Ahc302IT extends ClientScenarios {

  @Override
  String client() {
    return "ahc";
  }

  @Override
  String library() {
    return "ahc-3.0.2";
  }

  /** Each request is gated inside its own connection and sent once. */
  @Override
  boolean resendsJira429() {
    return false;
  }
}
