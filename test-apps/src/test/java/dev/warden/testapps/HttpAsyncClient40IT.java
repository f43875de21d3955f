package dev.warden.testapps;

/** The client scenarios on Apache HttpAsyncClient 4.0.2 (the oldest supported). */
class HttpAsyncClient40IT extends ClientScenarios {

  @Override
  String client() {
    return "apache4-async";
  }

  @Override
  String library() {
    return "httpasyncclient-4.0.2";
  }

  /**
   * TLS 1.2. Seen in CI: an HTTPS call of HttpAsyncClient 4.0 over TLS 1.3 now and then got no
   * response until the read timeout. Its httpcore-nio 4.3 predates TLS 1.3, and NIO TLS code of
   * that age is known to stall after TLS 1.3 handshakes on Java 11 and newer (JDK-8240871). Whether
   * it happens without Warden is not established; applications on 4.0 talking to Jira Cloud can use
   * TLS 1.2, which it speaks.
   */
  @Override
  java.util.List<String> clientJavaOptions() {
    return java.util.List.of("-Djdk.tls.client.protocols=TLSv1.2");
  }
}
