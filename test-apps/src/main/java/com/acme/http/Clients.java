package com.acme.http;

import java.util.Map;

/**
 * The clients the sample application can call Jira through, by name. Loaded by name, so a client
 * whose library is not on the class path is simply not there.
 */
public final class Clients {

  private static final Map<String, String> CLASSES =
      Map.ofEntries(
          Map.entry("jdk", "com.acme.http.JdkJiraHttp"),
          Map.entry("jdk-async", "com.acme.http.JdkJiraHttp"),
          Map.entry("urlconnection", "com.acme.http.UrlConnectionJiraHttp"),
          Map.entry("okhttp", "com.acme.http.OkHttpJiraHttp"),
          Map.entry("okhttp-async", "com.acme.http.OkHttpJiraHttp"),
          Map.entry("apache4", "com.acme.http.Apache4JiraHttp"),
          Map.entry("apache4-legacy", "com.acme.http.Apache4JiraHttp"),
          Map.entry("apache4-async", "com.acme.http.Apache4AsyncJiraHttp"),
          Map.entry("apache5", "com.acme.http.Apache5JiraHttp"),
          Map.entry("apache5-async", "com.acme.http.Apache5AsyncJiraHttp"),
          Map.entry("spring-resttemplate-urlconnection", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-resttemplate-jdk", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-resttemplate-apache5", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-resttemplate-okhttp", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-resttemplate-jetty", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-resttemplate-reactor", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-restclient-urlconnection", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-restclient-jdk", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-restclient-apache5", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-restclient-okhttp", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-restclient-jetty", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-restclient-reactor", "com.acme.http.SpringJiraHttp"),
          Map.entry("jetty", "com.acme.http.JettyJiraHttp"),
          Map.entry("jetty-async", "com.acme.http.JettyJiraHttp"),
          Map.entry("vertx", "com.acme.http.VertxJiraHttp"),
          Map.entry("vertx-async", "com.acme.http.VertxJiraHttp"),
          Map.entry("ahc", "com.acme.http.AhcJiraHttp"),
          Map.entry("ahc-async", "com.acme.http.AhcJiraHttp"),
          Map.entry("micronaut", "com.acme.http.MicronautJiraHttp"),
          Map.entry("micronaut-async", "com.acme.http.MicronautJiraHttp"),
          Map.entry("vertx-core", "com.acme.http.VertxCoreJiraHttp"),
          Map.entry("vertx-core-async", "com.acme.http.VertxCoreJiraHttp"),
          Map.entry("reactor-netty", "com.acme.http.ReactorNettyJiraHttp"),
          Map.entry("reactor-netty-async", "com.acme.http.ReactorNettyJiraHttp"),
          Map.entry("spring-webclient-reactor", "com.acme.http.SpringJiraHttp"),
          Map.entry("spring-webclient-jdk", "com.acme.http.SpringJiraHttp"),
          Map.entry("socket", "com.acme.http.RawSocketJiraHttp"),
          Map.entry("socket-channel", "com.acme.http.RawSocketJiraHttp"));

  private Clients() {}

  /**
   * A client by name; names ending in {@code -async} use the library's asynchronous API with
   * callbacks, {@code -legacy} its older API, {@code -channel} NIO.
   */
  public static JiraHttp create(String name, Options options) throws Exception {
    String type = CLASSES.get(name);
    if (type == null) {
      throw new IllegalArgumentException("unknown client " + name + "; known: " + CLASSES.keySet());
    }
    Class<?> client = Class.forName(type);
    try {
      // A client that serves several names (Spring's, one per engine) takes the name itself.
      return (JiraHttp)
          client.getConstructor(String.class, Options.class).newInstance(name, options);
    } catch (NoSuchMethodException e) {
      // The others take whether to use the library's other API.
    }
    return (JiraHttp)
        client
            .getConstructor(boolean.class, Options.class)
            .newInstance(
                name.endsWith("-async") || name.endsWith("-legacy") || name.endsWith("-channel"),
                options);
  }
}
