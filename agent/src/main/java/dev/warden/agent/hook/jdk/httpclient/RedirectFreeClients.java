package dev.warden.agent.hook.jdk.httpclient;

import java.net.http.HttpClient;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Copies of applications' clients that follow no redirects. A client that follows redirects itself
 * would carry Warden's credential to wherever Jira redirects (Java 17's client copies every header
 * to the next hop), so Warden sends through a copy and follows redirects itself, each hop decided
 * anew. A copy has the same SSL context, proxy, authenticator, cookie handler, executor, version
 * and connect timeout, and lives as long as the original.
 */
final class RedirectFreeClients {

  private final Map<HttpClient, HttpClient> copies =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * The client to send through for {@code client}: itself when it follows no redirects, else its
   * copy.
   */
  HttpClient of(HttpClient client) {
    if (client.followRedirects() == HttpClient.Redirect.NEVER) {
      return client;
    }
    return copies.computeIfAbsent(client, RedirectFreeClients::copy);
  }

  private static HttpClient copy(HttpClient client) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(client.version())
            .sslContext(client.sslContext())
            .sslParameters(client.sslParameters());
    client.connectTimeout().ifPresent(builder::connectTimeout);
    client.proxy().ifPresent(builder::proxy);
    client.authenticator().ifPresent(builder::authenticator);
    client.cookieHandler().ifPresent(builder::cookieHandler);
    client.executor().ifPresent(builder::executor);
    return builder.build();
  }
}
