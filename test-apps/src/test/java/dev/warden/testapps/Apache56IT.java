package dev.warden.testapps;

/** The client scenarios on Apache HttpClient 5.6 (the newest), classic. */
class Apache56IT extends ClientScenarios {

  @Override
  String client() {
    return "apache5";
  }

  @Override
  String library() {
    return "apache-5.6";
  }
}
