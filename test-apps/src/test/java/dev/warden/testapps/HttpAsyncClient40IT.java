package dev.warden.testapps;

/** The client scenarios on Apache HttpAsyncClient 4.0.2 (the oldest supported). */
class HttpAsyncClient40IT extends ClientScenarios {

  @Override
  String client() {
    return "apache4-async";
  }

  @Override
  String library() {
    return "httpasyncclient-4.0.2";
  }
}
