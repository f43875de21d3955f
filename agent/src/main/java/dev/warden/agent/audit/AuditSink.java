package dev.warden.agent.audit;

/** Where audit records go. An implementation never blocks the caller and never throws. */
public interface AuditSink {

  /** Takes a finished record. */
  void record(AuditRecord record);

  /** A Jira call began: its record will come ({@link #ended}). */
  default void opened() {}

  /** A call {@link #opened} ended (its record was taken, or could not be made). */
  default void ended() {}

  /** Flushes what is pending, waiting up to a few seconds; at shutdown. */
  default void close() {}
}
