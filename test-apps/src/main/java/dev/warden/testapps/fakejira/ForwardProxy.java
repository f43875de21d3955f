package dev.warden.testapps.fakejira;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;

/**
 * An HTTP forward proxy, as a company's egress proxy: {@code CONNECT host:port} opens a tunnel
 * (Jetty's {@link ConnectHandler}); an absolute-form request ({@code GET http://host/path}) is sent
 * on to its host and the answer relayed. It keeps what each request to it showed: method, target
 * and fields, so tests can see what a proxy sees of Jira traffic.
 */
public final class ForwardProxy implements AutoCloseable {

  /** What the proxy saw of one request: {@code target} is the authority of a CONNECT. */
  public record Seen(String method, String target, Map<String, List<String>> headers) {

    /** The values of a field, by name in any case. */
    public List<String> header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
  }

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect");

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final HttpClient onward =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Server server;

  private ForwardProxy() throws Exception {
    ConnectHandler tunnels =
        new ConnectHandler(
            new Handler.Abstract() {
              @Override
              public boolean handle(Request request, Response response, Callback callback)
                  throws Exception {
                forward(request, response, callback);
                return true;
              }
            }) {
          @Override
          protected void handleConnect(
              Request request, Response response, Callback callback, String serverAddress) {
            seen.add(new Seen("CONNECT", serverAddress, fields(request)));
            super.handleConnect(request, response, callback, serverAddress);
          }
        };
    this.server = Servers.start("proxy", tunnels, null);
  }

  public static ForwardProxy start() throws Exception {
    return new ForwardProxy();
  }

  /** {@code 127.0.0.1:port}, as a client's proxy setting takes it. */
  public String address() {
    return "127.0.0.1:" + Servers.port(server, 0);
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public void clear() {
    seen.clear();
  }

  private void forward(Request request, Response response, Callback callback) throws Exception {
    String target = request.getHttpURI().toString();
    seen.add(new Seen(request.getMethod(), target, fields(request)));
    if (!target.startsWith("http://")) {
      Responses.text(response, callback, 400, "text/plain", "not a proxy request: " + target);
      return;
    }
    ByteBuffer body = Content.Source.asByteBuffer(request);
    byte[] bytes = new byte[body.remaining()];
    body.get(bytes);
    HttpRequest.Builder out =
        HttpRequest.newBuilder(URI.create(target))
            .timeout(Duration.ofSeconds(30))
            .method(
                request.getMethod(),
                bytes.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(bytes));
    for (HttpField field : request.getHeaders()) {
      if (!HOP_BY_HOP.contains(field.getLowerCaseName())) {
        out.header(field.getName(), field.getValue());
      }
    }
    HttpResponse<byte[]> answer;
    try {
      answer = onward.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (java.io.IOException e) {
      Responses.text(response, callback, 502, "text/plain", "proxy: " + e);
      return;
    }
    response.setStatus(answer.statusCode());
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> response.getHeaders().add(name, value));
              }
            });
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }

  private static Map<String, List<String>> fields(Request request) {
    Map<String, List<String>> fields = new TreeMap<>();
    for (HttpField field : request.getHeaders()) {
      fields
          .computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>())
          .add(field.getValue());
    }
    return fields;
  }

  @Override
  public void close() {
    Servers.stop(server);
  }
}
