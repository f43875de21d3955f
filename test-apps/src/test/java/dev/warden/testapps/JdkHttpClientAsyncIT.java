package dev.warden.testapps;

/** The client scenarios on java.net.http.HttpClient, sendAsync. */
class JdkHttpClientAsyncIT extends ClientScenarios {

  @Override
  String client() {
    return "jdk-async";
  }
}
