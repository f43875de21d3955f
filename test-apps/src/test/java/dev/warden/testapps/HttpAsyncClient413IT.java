package dev.warden.testapps;

/** The client scenarios on Apache HttpAsyncClient 4.1.3 (a middle supported). */
class HttpAsyncClient413IT extends ClientScenarios {

  @Override
  String client() {
    return "apache4-async";
  }

  @Override
  String library() {
    return "httpasyncclient-4.1.3";
  }
}
