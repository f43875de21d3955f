package dev.warden.testapps;

/** The client scenarios on java.net.http.HttpClient, blocking send. */
class JdkHttpClientIT extends ClientScenarios {

  @Override
  String client() {
    return "jdk";
  }
}
