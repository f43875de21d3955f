package dev.warden.testapps;

/** The client scenarios on Apache HttpClient 5.0 (the oldest supported), async. */
class Apache50AsyncIT extends ClientScenarios {

  @Override
  String client() {
    return "apache5-async";
  }

  @Override
  String library() {
    return "apache-5.0";
  }

  @Override
  java.util.Set<String> refusedByTheClient() {
    // java.net.URI takes 127.1 as no server: "Target host is not specified".
    return java.util.Set.of("short-ip");
  }
}
