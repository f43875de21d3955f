package dev.warden.testapps;

/** The client scenarios on Apache HttpAsyncClient 4.1.5 (the newest supported). */
class HttpAsyncClient415IT extends ClientScenarios {

  @Override
  String client() {
    return "apache4-async";
  }

  @Override
  String library() {
    return "httpasyncclient-4.1.5";
  }
}
