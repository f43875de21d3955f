package dev.warden.testapps;

/** The client scenarios on OkHttp 5.5 (the newest), execute(). */
class OkHttp5IT extends ClientScenarios {

  @Override
  String client() {
    return "okhttp";
  }

  @Override
  String library() {
    return "okhttp-5.5";
  }
}
