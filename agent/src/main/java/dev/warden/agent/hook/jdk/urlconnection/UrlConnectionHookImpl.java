package dev.warden.agent.hook.jdk.urlconnection;

import dev.warden.agent.bootstrap.UrlConnectionHook;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import javax.net.ssl.HttpsURLConnection;

/**
 * Puts Warden's connection in front of the JDK's for URLs of a Jira site; leaves every other
 * connection alone.
 */
public final class UrlConnectionHookImpl implements UrlConnectionHook {

  private final Gateway gateway;

  public UrlConnectionHookImpl(Gateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public URLConnection opened(URLConnection connection, URL url, Proxy proxy) {
    if (Bypass.active() || !(connection instanceof HttpURLConnection jdk)) {
      return connection;
    }
    int port = url.getPort() >= 0 ? url.getPort() : url.getDefaultPort();
    if (!gateway.isSiteOrigin(url.getProtocol(), url.getHost(), port)) {
      return connection;
    }
    WardenHttpURLConnection warden = new WardenHttpURLConnection(url, jdk, proxy, gateway);
    return jdk instanceof HttpsURLConnection ? new WardenHttpsURLConnection(warden) : warden;
  }
}
