package dev.warden.agent.hook.vertx.core.v4_0;

import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.hook.CallOrigin;
import dev.warden.agent.hook.netty.v4_1.NettyUris;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A request the application is making, on its thread, before any connect: its {@link CallOrigin}
 * when it is bound for a site's origin, else {@code null}. The target is resolved as Vert.x
 * resolves it: the request's host, port and TLS, else the client's defaults.
 */
public final class Begin implements BiFunction<Object, Object, Object> {

  @Override
  public Object apply(Object clientOptions, Object request) {
    if (!(clientOptions instanceof HttpClientOptions defaults)) {
      return null;
    }
    if (request instanceof RequestOptions options && CallOrigin.takeDecided(options)) {
      // A WebClient request Warden's WebClient hook has decided: this exact request line passes.
      HttpMethod verb = options.getMethod();
      String uri = options.getURI();
      return CallOrigin.decidedRequest(
          verb == null ? "GET" : verb.name(), uri == null || uri.isEmpty() ? "/" : uri);
    }
    if (defaults.getProtocolVersion() == io.vertx.core.http.HttpVersion.HTTP_2) {
      // No HTTP/1.1 codec for the gate to sit behind: its connections stay unmanaged egress.
      return null;
    }
    String method;
    String host;
    Integer port;
    Boolean ssl;
    String uri;
    MultiMap headers = null;
    if (request instanceof RequestOptions options) {
      HttpMethod verb = options.getMethod();
      method = verb == null ? "GET" : verb.name();
      host = options.getHost();
      port = options.getPort();
      ssl = options.isSsl();
      uri = options.getURI();
      headers = options.getHeaders();
    } else if (request instanceof Object[] parts && parts.length == 4) {
      method = ((HttpMethod) parts[0]).name();
      port = (Integer) parts[1];
      host = (String) parts[2];
      uri = (String) parts[3];
      ssl = null;
    } else {
      return null;
    }
    boolean tls = ssl != null ? ssl : defaults.isSsl();
    String scheme = tls ? "https" : "http";
    String name = host != null ? host : defaults.getDefaultHost();
    int number = port != null ? port : defaults.getDefaultPort();
    String path = uri == null || uri.isEmpty() ? "/" : uri;
    MultiMap fields = headers;
    return CallOrigin.begin(
        method,
        scheme,
        name,
        number,
        () -> NettyUris.parse(scheme + "://" + bracketed(name) + ":" + number + path),
        () -> headers(fields));
  }

  private static String bracketed(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  static Headers headers(MultiMap headers) {
    if (headers == null || headers.isEmpty()) {
      return Headers.EMPTY;
    }
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Map.Entry<String, String> field : headers) {
      map.computeIfAbsent(field.getKey(), k -> new ArrayList<>()).add(field.getValue());
    }
    return Headers.of(map);
  }
}
