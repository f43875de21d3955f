package com.acme.http;

import com.acme.Step;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A client Warden does not hook: HTTP/1.1 written by hand over a {@code java.net.Socket} ({@code
 * socket}) or a {@code SocketChannel} ({@code socket-channel}), as home-grown code and unsupported
 * libraries do. Plain HTTP only.
 */
public final class RawSocketJiraHttp implements JiraHttp {

  private final boolean channel;
  private final Options options;

  public RawSocketJiraHttp(boolean channel, Options options) {
    this.channel = channel;
    this.options = options;
  }

  @Override
  public Result send(Step step) throws Exception {
    URI uri = URI.create(step.url);
    InetSocketAddress address =
        new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
    byte[] body = step.body == null ? new byte[0] : step.body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder()
            .append(step.method)
            .append(' ')
            .append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(uri.getHost())
            .append(uri.getPort() < 0 ? "" : ":" + uri.getPort())
            .append("\r\n")
            .append("Connection: close\r\n")
            .append("Content-Length: ")
            .append(body.length)
            .append("\r\n");
    step.headers.forEach(
        (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    byte[] request = concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), body);
    byte[] response;
    if (channel) {
      try (SocketChannel socket = SocketChannel.open()) {
        socket.connect(address);
        socket.write(ByteBuffer.wrap(request));
        response = Channels.newInputStream(socket).readAllBytes();
      }
    } else {
      try (Socket socket = new Socket()) {
        socket.connect(address, options.connectTimeoutMillis);
        socket.setSoTimeout(options.readTimeoutMillis);
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = socket.getInputStream();
        response = in.readAllBytes();
      }
    }
    return parse(response);
  }

  private static Result parse(byte[] response) throws IOException {
    String text = new String(response, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no HTTP response head in " + response.length + " bytes");
    }
    String[] lines = text.substring(0, end).split("\r\n");
    Result result = new Result();
    result.status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> fields = new LinkedHashMap<>();
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      String name = lines[i].substring(0, colon).trim();
      String value = lines[i].substring(colon + 1).trim();
      fields.put(name, List.of(value));
      chunked |=
          name.equalsIgnoreCase("transfer-encoding")
              && value.toLowerCase(Locale.ROOT).contains("chunked");
    }
    String rest = text.substring(end + 4);
    result.body = chunked ? unchunk(rest) : rest;
    result.headers = JiraHttp.interesting(fields);
    result.version = "HTTP_1_1";
    return result;
  }

  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
