package dev.warden.testapps;

/** The client scenarios on OkHttp 3.12 (the oldest supported), execute(). */
class OkHttp3IT extends ClientScenarios {

  @Override
  String client() {
    return "okhttp";
  }

  @Override
  String library() {
    return "okhttp-3.12";
  }
}
