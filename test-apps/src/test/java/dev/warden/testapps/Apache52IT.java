package dev.warden.testapps;

/** The client scenarios on Apache HttpClient 5.2, classic. */
class Apache52IT extends ClientScenarios {

  @Override
  String client() {
    return "apache5";
  }

  @Override
  String library() {
    return "apache-5.2";
  }
}
