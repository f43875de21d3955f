package dev.warden.testapps;

/** The client scenarios on Apache HttpClient 4.5's deprecated DefaultHttpClient. */
class Apache45LegacyIT extends ClientScenarios {

  @Override
  String client() {
    return "apache4-legacy";
  }

  @Override
  String library() {
    return "apache-4.5";
  }
}
