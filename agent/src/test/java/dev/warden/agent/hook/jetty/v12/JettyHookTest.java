package dev.warden.agent.hook.jetty.v12;

import dev.warden.agent.hook.HookTestBase;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;

/**
 * The Jetty HttpClient 12 hook (Warden's copies, relayed to the application's listeners), woven
 * into the test JVM.
 */
class JettyHookTest extends HookTestBase {

  @Override
  protected Reply send(String method, String url, Map<String, String> headers) throws Exception {
    HttpClient client = new HttpClient();
    client.start();
    try {
      Request request = client.newRequest(url).method(method).timeout(10, TimeUnit.SECONDS);
      request.headers(fields -> headers.forEach(fields::put));
      ContentResponse response = request.send();
      return new Reply(
          response.getStatus(),
          response.getHeaders().get("X-Warden-Decision"),
          response.getContentAsString());
    } finally {
      client.stop();
    }
  }
}
