package dev.warden.testapps;

/** The client scenarios on OkHttp 5.5, enqueue() with a callback. */
class OkHttp5AsyncIT extends ClientScenarios {

  @Override
  String client() {
    return "okhttp-async";
  }

  @Override
  String library() {
    return "okhttp-5.5";
  }
}
