package dev.warden.agent.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.warden.agent.audit.AuditLosses.Reason;
import dev.warden.agent.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@code audit.file}: every audit record appended as one JSON object per line, by a thread of
 * its own. The audit thread only offers each line to a bounded queue; past it, lines are dropped
 * and counted, never waited for.
 *
 * <p>When the file would grow past {@code audit.file.max-size} with the next line, it is renamed
 * {@code <file>.1} (older ones shift up, {@code audit.file.keep} of them are kept) and a new one is
 * started: a line is never split across files, and each batch of lines is written whole or not at
 * all (a failed write is cut back, so a full disk leaves no half line). A file that cannot be
 * opened, written or rotated costs the lines of that attempt, counted as {@code file_error} and
 * logged once a minute; the next batch tries again, so writing resumes once the disk has room.
 *
 * <p>One JVM writes a file: it holds a lock on {@code <file>.lock} for its life. A JVM that finds
 * the lock held by another (or no lock to be had) writes {@code <file>.pid-<pid>} instead, and says
 * so once.
 */
public final class AuditFile {

  private static final JsonFactory JSON = new JsonFactory();
  private static final int QUEUE = 8192;

  /** How large a file may grow and how many rotated files are kept. */
  public record Limits(long maxBytes, int keep) {

    /** {@code audit.file.max-size} 100MB, {@code audit.file.keep} 5. */
    public static final Limits DEFAULT = new Limits(100L << 20, 5);

    public Limits {
      if (maxBytes < 1) {
        throw new IllegalArgumentException("audit.file.max-size must be at least 1 byte");
      }
      if (keep < 0) {
        throw new IllegalArgumentException("audit.file.keep must be 0 or more");
      }
    }

    /**
     * The limits the settings give ({@code null} for a default): a size is a number of bytes with
     * an optional unit, {@code B}, {@code KB}, {@code MB} or {@code GB} (powers of 1024).
     *
     * @throws IllegalArgumentException naming the setting and its value when one cannot be read
     */
    public static Limits of(String maxSize, String keep) {
      long bytes = maxSize == null || maxSize.isBlank() ? DEFAULT.maxBytes : size(maxSize);
      int kept;
      try {
        kept = keep == null || keep.isBlank() ? DEFAULT.keep : Integer.parseInt(keep.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "audit.file.keep is '" + keep + "'; write a whole number of files, such as 5");
      }
      return new Limits(bytes, kept);
    }

    static long size(String text) {
      String value = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
      long unit = 1;
      for (String[] suffix :
          new String[][] {{"GB", "30"}, {"MB", "20"}, {"KB", "10"}, {"B", "0"}}) {
        if (value.endsWith(suffix[0])) {
          unit = 1L << Integer.parseInt(suffix[1]);
          value = value.substring(0, value.length() - suffix[0].length());
          break;
        }
      }
      try {
        long number = Long.parseLong(value);
        if (number >= 1 && number <= Long.MAX_VALUE / unit) {
          return number * unit;
        }
      } catch (NumberFormatException e) {
        // Said below.
      }
      throw new IllegalArgumentException(
          "audit.file.max-size is '" + text + "'; write a size such as 100MB, 512KB or 1048576");
    }
  }

  private final Path target;
  private final Limits limits;
  private final AuditLosses losses;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
  private final Thread writer;
  private final FileLock lock;
  private volatile boolean closing;

  /** The open file, its size; writer thread only. */
  private FileChannel channel;

  private long size;

  /** When a rotation that failed may be tried again ({@link System#nanoTime()}); writer only. */
  private long nextRotation;

  private boolean rotationFailed;

  private static final long ROTATION_RETRY_NANOS = 60_000_000_000L;

  private AuditFile(Path target, Limits limits, AuditLosses losses, FileLock lock) {
    this.target = target;
    this.limits = limits;
    this.losses = losses;
    this.lock = lock;
    this.writer = new Thread(this::drain, "warden-audit-file");
    this.writer.setDaemon(true);
  }

  /**
   * Starts writing to {@code path} (or to {@code <path>.<pid>} when another JVM holds the file's
   * lock). Never fails: a file that cannot be opened now is tried again with each batch, its lines
   * counted as lost meanwhile.
   */
  public static AuditFile open(Path path, Limits limits, AuditLosses losses) {
    Path absolute = path.toAbsolutePath();
    FileLock lock = null;
    Path target = absolute;
    try {
      createParent(absolute);
      lock = tryLock(sibling(absolute, ".lock"));
      if (lock == null) {
        // Not a bare number, which a rotation of the first JVM's file could take.
        target = sibling(absolute, ".pid-" + ProcessHandle.current().pid());
        Log.get()
            .warn(
                "audit file "
                    + absolute
                    + " is written by another JVM (it holds "
                    + sibling(absolute, ".lock").getFileName()
                    + "); this one writes "
                    + target
                    + " instead");
      }
      // There from the start, as a user looking for it expects.
      FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
    } catch (IOException | RuntimeException e) {
      // The writer's own attempts report what is wrong with the file.
    }
    AuditFile file = new AuditFile(target, limits, losses, lock);
    file.writer.start();
    return file;
  }

  /** Where this JVM writes: the file, or its {@code .<pid>} sibling. */
  public Path path() {
    return target;
  }

  /**
   * The lock on the file, or {@code null} when another writer holds it or it cannot be taken (a
   * file system without locks): then this JVM writes a file of its own rather than share one.
   */
  private static FileLock tryLock(Path lockFile) throws IOException {
    FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = null;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException | IOException e) {
      // Held in this JVM already (a second agent's Warden, or a test), or no locks here: the same
      // as another JVM's.
    } finally {
      if (lock == null) {
        channel.close();
      }
    }
    return lock;
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  /**
   * Queues the line for a record; {@code ids} are the span's trace, span and parent ids, or {@code
   * null}.
   */
  public void write(AuditRecord record, String[] ids) {
    if (!lines.offer(line(record, ids))) {
      losses.lost(Reason.QUEUE_FULL, 1);
      // One text, so the log writes it once a minute with a count.
      Log.get().warn("audit file " + target + " cannot keep up: audit lines dropped");
    }
  }

  /** The audit file's line for a record (CONTRACT section 5), without its newline. */
  public static String line(AuditRecord record, String[] ids) {
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
    closeChannel();
    if (lock != null) {
      try {
        lock.channel().close();
      } catch (IOException e) {
        // The JVM is ending; the lock goes with it.
      }
    }
  }

  /**
   * Appends the batch, starting a new file before any line that would take the current one past its
   * size limit (a line larger than the limit gets a file of its own).
   */
  void append(List<String> batch) {
    ByteArrayOutputStream chunk = new ByteArrayOutputStream(batch.size() * 512);
    int inChunk = 0;
    for (int i = 0; i < batch.size(); i++) {
      byte[] line = (batch.get(i) + "\n").getBytes(StandardCharsets.UTF_8);
      if (!open(batch.size() - i)) {
        return;
      }
      if (size + chunk.size() > 0 && size + chunk.size() + line.length > limits.maxBytes()) {
        flush(chunk, inChunk);
        chunk.reset();
        inChunk = 0;
        rotate();
        if (!open(batch.size() - i)) {
          return;
        }
      }
      chunk.write(line, 0, line.length);
      inChunk++;
    }
    flush(chunk, inChunk);
  }

  /** Whether the file is open (opening it if needed); if not, {@code pending} lines are lost. */
  private boolean open(int pending) {
    if (channel != null) {
      return true;
    }
    try {
      createParent(target);
      channel = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      size = channel.size();
      channel.position(size);
      return true;
    } catch (IOException | RuntimeException e) {
      channel = null;
      fileError(pending, "open", e);
      return false;
    }
  }

  /** Writes the chunk whole, or cuts the file back to where it was and counts its lines lost. */
  private void flush(ByteArrayOutputStream chunk, int count) {
    if (count == 0 || channel == null) {
      losses.lost(Reason.FILE_ERROR, channel == null ? count : 0);
      return;
    }
    long before = size;
    try {
      ByteBuffer bytes = ByteBuffer.wrap(chunk.toByteArray());
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      size = before + chunk.size();
    } catch (IOException | RuntimeException e) {
      fileError(count, "write", e);
      try {
        channel.truncate(before);
        channel.position(before);
      } catch (IOException | RuntimeException again) {
        // Reopened (and its size read again) with the next batch.
        closeChannel();
      }
    }
  }

  /** Renames the file {@code .1}, shifting the older ones up and dropping the oldest. */
  private void rotate() {
    if (rotationFailed && System.nanoTime() - nextRotation < 0) {
      return;
    }
    rotationFailed = false;
    closeChannel();
    Path rotating = sibling(target, ".rotating");
    try {
      // The live file is moved aside first: if it cannot be, nothing older is touched.
      Files.move(target, rotating, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      // The file keeps growing past its limit rather than losing a record; tried again later.
      rotationFailed = true;
      nextRotation = System.nanoTime() + ROTATION_RETRY_NANOS;
      Log.get()
          .warn(
              "cannot rotate audit file "
                  + target
                  + " ("
                  + e.getClass().getSimpleName()
                  + "); it grows past audit.file.max-size until it can");
      return;
    }
    try {
      if (limits.keep() == 0) {
        Files.deleteIfExists(rotating);
        return;
      }
      Files.deleteIfExists(sibling(target, "." + limits.keep()));
      for (int n = limits.keep() - 1; n >= 1; n--) {
        Path older = sibling(target, "." + n);
        if (Files.exists(older)) {
          Files.move(older, sibling(target, "." + (n + 1)), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(rotating, sibling(target, ".1"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      // Its lines stay in the .rotating file, which the next rotation replaces: said once a minute.
      Log.get()
          .warn(
              "cannot shift the rotated audit files of "
                  + target
                  + " ("
                  + e.getClass().getSimpleName()
                  + "); the last one is left as "
                  + rotating.getFileName());
    }
  }

  private void fileError(int lost, String doing, Exception e) {
    losses.lost(Reason.FILE_ERROR, lost);
    // The same text each time, so the log writes it once a minute with a count.
    Log.get()
        .error(
            "cannot "
                + doing
                + " audit file "
                + target
                + " ("
                + e.getClass().getSimpleName()
                + "); audit lines lost until it can, counted in warden.audit.dropped");
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing left to write to it.
      }
      channel = null;
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
