package dev.warden.testapps;

/** The client scenarios on HttpURLConnection. */
class UrlConnectionIT extends ClientScenarios {

  @Override
  String client() {
    return "urlconnection";
  }
}
