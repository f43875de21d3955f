package dev.warden.testapps;

/** The client scenarios on java.net.http.HttpClient, sendAsync. */
class JdkHttpClientAsyncIT extends ClientScenarios {

  @Override
  String client() {
    return "jdk-async";
  }

  @Override
  java.util.Set<String> refusedByTheClient() {
    // java.net.URI takes 127.1 as no server, and the client refuses such a URI.
    return java.util.Set.of("short-ip");
  }
}
