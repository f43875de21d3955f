package dev.warden.agent.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.warden.agent.log.Log;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code audit.file}: every audit record appended as one JSON object per line, by a background
 * thread. The request path only formats the line and offers it to a bounded queue; when the disk
 * cannot keep up, lines are dropped and counted, never waited for.
 */
public final class AuditFile {

  private static final JsonFactory JSON = new JsonFactory();
  private static final int QUEUE = 8192;

  private final Path path;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closing;

  private AuditFile(Path path) {
    this.path = path;
    this.writer = new Thread(this::drain, "warden-audit-file");
    this.writer.setDaemon(true);
  }

  /** Opens (creating if needed) the file for appending and starts its writer. */
  public static AuditFile open(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
    AuditFile file = new AuditFile(path);
    file.writer.start();
    return file;
  }

  /**
   * Queues the line for a record; {@code ids} are the span's trace, span and parent ids, or {@code
   * null}.
   */
  public void write(AuditRecord record, String[] ids) {
    if (!lines.offer(line(record, ids))) {
      long count = dropped.incrementAndGet();
      Log.get()
          .warn(
              "audit file " + path + " cannot keep up: audit lines dropped (" + count + " so far)");
    }
  }

  static String line(AuditRecord record, String[] ids) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", Instant.ofEpochSecond(0, record.startEpochNanos()).toString());
      json.writeStringField("name", record.name());
      json.writeStringField("kind", "CLIENT");
      if (ids != null) {
        json.writeStringField("trace_id", ids[0]);
        json.writeStringField("span_id", ids[1]);
        if (ids[2] != null) {
          json.writeStringField("parent_span_id", ids[2]);
        }
      }
      json.writeNumberField(
          "duration_ms", (record.endEpochNanos() - record.startEpochNanos()) / 1_000_000.0);
      json.writeFieldName("attributes");
      writeAttributes(json, record.attributes());
      if (!record.events().isEmpty()) {
        json.writeArrayFieldStart("events");
        for (AuditRecord.Event event : record.events()) {
          json.writeStartObject();
          json.writeStringField("name", event.name());
          json.writeStringField("time", Instant.ofEpochSecond(0, event.epochNanos()).toString());
          json.writeFieldName("attributes");
          writeAttributes(json, event.attributes());
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeAttributes(JsonGenerator json, Map<String, Object> attributes)
      throws IOException {
    json.writeStartObject();
    for (Map.Entry<String, Object> entry : attributes.entrySet()) {
      Object value = entry.getValue();
      if (value instanceof Long || value instanceof Integer) {
        json.writeNumberField(entry.getKey(), ((Number) value).longValue());
      } else if (value instanceof Boolean b) {
        json.writeBooleanField(entry.getKey(), b);
      } else if (value != null) {
        json.writeStringField(entry.getKey(), value.toString());
      }
    }
    json.writeEndObject();
  }

  private void drain() {
    List<String> batch = new ArrayList<>(256);
    while (!closing || !lines.isEmpty()) {
      try {
        String first = lines.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        lines.drainTo(batch, 1023);
        append(batch);
        batch.clear();
      } catch (InterruptedException e) {
        closing = true;
      }
    }
  }

  private void append(List<String> batch) {
    try (Writer out =
        Files.newBufferedWriter(
            path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (String line : batch) {
        out.write(line);
        out.write('\n');
      }
    } catch (IOException e) {
      dropped.addAndGet(batch.size());
      Log.get()
          .error(
              "cannot append to audit file "
                  + path
                  + ": "
                  + e.getClass().getSimpleName()
                  + " ("
                  + e.getMessage()
                  + "); audit lines lost");
    }
  }

  /** Writes what is queued and stops, waiting up to {@code seconds}. */
  public void close(int seconds) {
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
