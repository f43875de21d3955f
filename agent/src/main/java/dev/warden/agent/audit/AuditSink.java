package dev.warden.agent.audit;

/** Where audit records go. An implementation never blocks the caller and never throws. */
public interface AuditSink {

  /** Takes a finished record. */
  void record(AuditRecord record);

  /**
   * A Jira call began: its records will come before {@link #ended} is called with what this
   * returned.
   */
  default Object opened() {
    return null;
  }

  /** The call {@link #opened} returned {@code token} for has ended (all its records taken). */
  default void ended(Object token) {}

  /** Flushes what is pending, waiting up to a few seconds; at shutdown. */
  default void close() {}
}
