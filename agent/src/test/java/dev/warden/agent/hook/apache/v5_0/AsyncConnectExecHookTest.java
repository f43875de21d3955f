package dev.warden.agent.hook.apache.v5_0;

import dev.warden.agent.hook.HookTestBase;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.http.Header;

/** The Apache HttpClient 5 async hook ({@code AsyncConnectExec}), woven into the test JVM. */
class AsyncConnectExecHookTest extends HookTestBase {

  @Override
  protected Reply send(String method, String url, Map<String, String> headers) throws Exception {
    try (CloseableHttpAsyncClient client = HttpAsyncClients.createDefault()) {
      client.start();
      SimpleHttpRequest request = new SimpleHttpRequest(method, URI.create(url));
      headers.forEach(request::setHeader);
      SimpleHttpResponse response = client.execute(request, null).get(10, TimeUnit.SECONDS);
      Header decision = response.getFirstHeader("X-Warden-Decision");
      return new Reply(
          response.getCode(),
          decision == null ? null : decision.getValue(),
          response.getBodyText());
    }
  }
}
