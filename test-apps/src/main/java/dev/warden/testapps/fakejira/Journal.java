package dev.warden.testapps.fakejira;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** Every request a fake server received, in order. Thread-safe. */
public final class Journal {

  private final List<Received> entries = new CopyOnWriteArrayList<>();
  private final boolean keeping;

  Journal(boolean keeping) {
    this.keeping = keeping;
  }

  /** Reads a request (its body too) and records it. */
  Received record(Request request, String principal) throws java.io.IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers
          .computeIfAbsent(field.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(field.getValue());
    }
    ByteBuffer buffer = Content.Source.asByteBuffer(request);
    byte[] body = new byte[buffer.remaining()];
    buffer.get(body);
    Received received =
        new Received(
            request.getMethod(),
            request.getHttpURI().getPath(),
            request.getHttpURI().getQuery(),
            headers,
            new String(body, StandardCharsets.UTF_8),
            principal,
            request.getConnectionMetaData().getHttpVersion().asString(),
            System.currentTimeMillis());
    if (keeping) {
      entries.add(received);
    }
    return received;
  }

  /** Everything received so far. */
  public List<Received> all() {
    return List.copyOf(entries);
  }

  /** What matches. */
  public List<Received> matching(Predicate<Received> filter) {
    return entries.stream().filter(filter).toList();
  }

  /** Forgets everything. */
  public void clear() {
    entries.clear();
  }
}
