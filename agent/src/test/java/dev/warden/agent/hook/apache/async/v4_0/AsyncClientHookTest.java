package dev.warden.agent.hook.apache.async.v4_0;

import dev.warden.agent.hook.HookTestBase;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.http.Header;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpDelete;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.impl.nio.client.CloseableHttpAsyncClient;
import org.apache.http.impl.nio.client.HttpAsyncClients;
import org.apache.http.util.EntityUtils;

/**
 * The HttpAsyncClient 4 hook (whole calls, Warden following redirects), woven into the test JVM.
 */
class AsyncClientHookTest extends HookTestBase {

  @Override
  protected Reply send(String method, String url, Map<String, String> headers) throws Exception {
    try (CloseableHttpAsyncClient client = HttpAsyncClients.createDefault()) {
      client.start();
      HttpRequestBase request = method.equals("DELETE") ? new HttpDelete(url) : new HttpGet(url);
      headers.forEach(request::setHeader);
      HttpResponse response = client.execute(request, null).get(10, TimeUnit.SECONDS);
      Header decision = response.getFirstHeader("X-Warden-Decision");
      return new Reply(
          response.getStatusLine().getStatusCode(),
          decision == null ? null : decision.getValue(),
          EntityUtils.toString(response.getEntity()));
    }
  }
}
