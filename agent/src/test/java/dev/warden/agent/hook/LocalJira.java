package dev.warden.agent.hook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A minimal local server for adapter tests: records requests, answers by path. */
public final class LocalJira implements AutoCloseable {

  /** A request it received. */
  public record Got(String method, String path, String authorization, String body, String cookie) {}

  public final List<Got> received = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private volatile String away = "http://127.0.0.1:9/nowhere";

  public LocalJira() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] in = exchange.getRequestBody().readAllBytes();
          received.add(
              new Got(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath(),
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  new String(in, StandardCharsets.UTF_8),
                  exchange.getRequestHeaders().getFirst("Cookie")));
          String path = exchange.getRequestURI().getPath();
          if (path.startsWith("/away")) {
            exchange.getResponseHeaders().add("Location", away);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
          }
          if (path.startsWith("/moved")) {
            exchange.getResponseHeaders().add("Location", "/rest/api/2/issue/OPS-1");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
          }
          byte[] out = ("{\"path\":\"" + path + "\"}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.getResponseHeaders().add("X-RateLimit-Remaining", "99");
          exchange.sendResponseHeaders(
              path.contains("/issue") && exchange.getRequestMethod().equals("POST") ? 201 : 200,
              out.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(out);
          }
        });
    server.start();
  }

  /** Where {@code /away} redirects to (another host, for a redirect that leaves the site). */
  public void redirectAwayTo(String url) {
    this.away = url;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
