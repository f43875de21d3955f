package dev.warden.testapps;

/** The client scenarios on Apache HttpClient 5.6 (the newest), async. */
class Apache56AsyncIT extends ClientScenarios {

  @Override
  String client() {
    return "apache5-async";
  }

  @Override
  String library() {
    return "apache-5.6";
  }
}
