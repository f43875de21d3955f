package dev.warden.testapps;

/** The client scenarios on Apache HttpClient 5.2, async. */
class Apache52AsyncIT extends ClientScenarios {

  @Override
  String client() {
    return "apache5-async";
  }

  @Override
  String library() {
    return "apache-5.2";
  }
}
