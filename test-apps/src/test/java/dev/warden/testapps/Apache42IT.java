package dev.warden.testapps;

/**
 * The client scenarios on Apache HttpClient 4.2 (the oldest supported; DefaultHttpClient and its
 * request director).
 */
class Apache42IT extends ClientScenarios {

  @Override
  String client() {
    return "apache4";
  }

  @Override
  String library() {
    return "apache-4.2";
  }
}
