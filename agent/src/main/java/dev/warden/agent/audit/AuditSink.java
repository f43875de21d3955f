package dev.warden.agent.audit;

/** Where audit records go. An implementation never blocks the caller and never throws. */
public interface AuditSink {

  /** Takes a finished record. */
  void record(AuditRecord record);

  /** Flushes what is pending, waiting up to a few seconds; at shutdown. */
  default void close() {}
}
