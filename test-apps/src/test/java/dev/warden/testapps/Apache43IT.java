package dev.warden.testapps;

/** The client scenarios on Apache HttpClient 4.3, HttpClients.custom() and the exec chain. */
class Apache43IT extends ClientScenarios {

  @Override
  String client() {
    return "apache4";
  }

  @Override
  String library() {
    return "apache-4.3";
  }
}
