package dev.warden.agent.audit;

import java.util.concurrent.atomic.LongAdder;

/**
 * Audit records (or their spans, or their file lines) that were lost, by why: the counts behind
 * {@code warden.audit.dropped}. Counting takes no lock and never blocks whoever lost them.
 */
public final class AuditLosses {

  /** Why a record was lost, as {@code error.type} names it. */
  public enum Reason {
    /** A queue (the audit thread's, the span batch's, the audit file's) was full. */
    QUEUE_FULL("queue_full"),
    /** The tracing backend refused or never took a batch of spans. */
    EXPORT_FAILED("export_failed"),
    /** The audit file could not be opened, written or rotated. */
    FILE_ERROR("file_error");

    private final String type;

    Reason(String type) {
      this.type = type;
    }

    /** The {@code error.type} value. */
    public String type() {
      return type;
    }
  }

  private final LongAdder[] counts = new LongAdder[Reason.values().length];

  public AuditLosses() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** {@code records} were lost for {@code reason}. */
  public void lost(Reason reason, long records) {
    if (records > 0) {
      counts[reason.ordinal()].add(records);
    }
  }

  /** How many were lost for {@code reason} so far. */
  public long count(Reason reason) {
    return counts[reason.ordinal()].sum();
  }
}
