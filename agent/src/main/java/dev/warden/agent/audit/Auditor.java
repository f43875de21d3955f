package dev.warden.agent.audit;

import dev.warden.agent.log.Log;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Sends each audit record to Warden's OpenTelemetry SDK and, when {@code audit.file} is set, to
 * the audit file with the span's ids. The SDK starts in the background; records made before it is
 * ready are emitted as soon as it is. If it cannot start, the audit file still gets every record.
 */
public final class Auditor implements AuditSink {

  private final CompletableFuture<OtelSpans> spans;
  private final AuditFile file;

  /**
   * @param spans builds the SDK; run on a background thread
   * @param file the audit file, or {@code null}
   */
  public Auditor(Supplier<OtelSpans> spans, AuditFile file) {
    this.file = file;
    this.spans = CompletableFuture.supplyAsync(() -> {
      try {
        return spans.get();
      } catch (RuntimeException | LinkageError e) {
        Log.get().error("cannot start Warden's OpenTelemetry exporter (" + e + "); audit records go "
            + (file == null ? "nowhere: set audit.file to keep them" : "to the audit file only"));
        return null;
      }
    }, runnable -> {
      Thread thread = new Thread(runnable, "warden-otel-start");
      thread.setDaemon(true);
      thread.start();
    });
  }

  @Override
  public void record(AuditRecord record) {
    spans.thenAccept(otel -> {
      String[] ids = null;
      try {
        if (otel != null) {
          ids = otel.emit(record);
        }
      } catch (RuntimeException e) {
        Log.get().warn("cannot record an audit span: " + e);
      }
      if (file != null) {
        file.write(record, ids);
      }
    });
  }

  @Override
  public void close() {
    OtelSpans otel;
    try {
      otel = spans.get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      otel = null;
    }
    if (otel != null) {
      otel.close(5);
    }
    if (file != null) {
      file.close(5);
    }
  }
}
