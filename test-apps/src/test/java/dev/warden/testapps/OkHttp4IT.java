package dev.warden.testapps;

/** The client scenarios on OkHttp 4.12, execute(). */
class OkHttp4IT extends ClientScenarios {

  @Override
  String client() {
    return "okhttp";
  }

  @Override
  String library() {
    return "okhttp-4.12";
  }
}
