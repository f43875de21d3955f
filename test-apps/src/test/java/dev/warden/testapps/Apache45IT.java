package dev.warden.testapps;

/**
 * The client scenarios on Apache HttpClient 4.5 (the newest), HttpClients.custom() and the exec
 * chain.
 */
class Apache45IT extends ClientScenarios {

  @Override
  String client() {
    return "apache4";
  }

  @Override
  String library() {
    return "apache-4.5";
  }
}
