package dev.warden.testapps.fakejira;

import java.net.URI;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * A host that is not Jira: it answers everything with 200 (but {@code /bounce?to=URL}, a redirect
 * there) and keeps a journal, so tests can see exactly which header fields reached a host Warden
 * must leave alone (and which must never reach it).
 */
public final class EchoServer implements AutoCloseable {

  private final Journal journal = new Journal(true);
  private final Server server;

  private EchoServer() throws Exception {
    this.server =
        Servers.start(
            "echo",
            new Handler.Abstract() {
              @Override
              public boolean handle(Request request, Response response, Callback callback)
                  throws Exception {
                Received received = journal.record(request, null);
                String query = request.getHttpURI().getQuery();
                if (received.path().equals("/bounce") && query != null && query.startsWith("to=")) {
                  // A redirect onwards: a chain that returns to Jira after this host.
                  response
                      .getHeaders()
                      .put(
                          "Location",
                          java.net.URLDecoder.decode(
                              query.substring(3), java.nio.charset.StandardCharsets.UTF_8));
                  Responses.text(response, callback, 302, "text/plain", "");
                  return true;
                }
                Responses.json(
                    response,
                    callback,
                    200,
                    Map.of(
                        "echo",
                        received.method() + " " + received.path(),
                        "authorization",
                        String.valueOf(received.header("authorization"))));
                return true;
              }
            },
            null);
  }

  public static EchoServer start() throws Exception {
    return new EchoServer();
  }

  /** The base URL, named by host name: {@code http://localhost:<port>}. */
  public URI url() {
    return URI.create("http://localhost:" + Servers.port(server, 0));
  }

  public Journal journal() {
    return journal;
  }

  @Override
  public void close() {
    Servers.stop(server);
  }
}
