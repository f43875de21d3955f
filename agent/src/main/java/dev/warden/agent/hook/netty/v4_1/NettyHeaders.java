package dev.warden.agent.hook.netty.v4_1;

import dev.warden.agent.bootstrap.Headers;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Netty's header fields and request heads in and out of Warden's neutral form. */
public final class NettyHeaders {

  private NettyHeaders() {}

  /**
   * Netty's fields as Warden's, read in one pass (no list per name: the profile of a gated client
   * put a quarter of Warden's allocation in the map this built before).
   */
  public static Headers of(HttpHeaders headers) {
    if (headers == null || headers.isEmpty()) {
      return Headers.EMPTY;
    }
    int size = headers.size();
    String[] names = new String[size];
    String[] values = new String[size];
    int count = 0;
    Iterator<Map.Entry<String, String>> fields = headers.iteratorAsString();
    while (fields.hasNext() && count < size) {
      Map.Entry<String, String> field = fields.next();
      names[count] = field.getKey();
      values[count] = field.getValue();
      count++;
    }
    return Headers.of(count, at -> names[at], at -> values[at]);
  }

  /** Warden's fields as Netty's. */
  public static HttpHeaders toNetty(Headers headers) {
    HttpHeaders out = new DefaultHttpHeaders();
    for (Map.Entry<String, List<String>> field : headers.map().entrySet()) {
      for (String value : field.getValue()) {
        out.add(field.getKey(), value);
      }
    }
    return out;
  }

  /**
   * A new request head with these fields and request target: the head the client wrote stays the
   * application's (Reactor Netty writes its own request object, which the application can read). A
   * full request keeps its content, which passes to the copy.
   */
  public static HttpRequest copy(HttpRequest head, String target, HttpHeaders headers) {
    if (head instanceof FullHttpRequest full) {
      return new DefaultFullHttpRequest(
          full.protocolVersion(),
          full.method(),
          target,
          full.content(),
          headers,
          full.trailingHeaders());
    }
    return new DefaultHttpRequest(head.protocolVersion(), head.method(), target, headers);
  }
}
