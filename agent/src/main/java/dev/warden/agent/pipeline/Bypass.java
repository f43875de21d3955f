package dev.warden.agent.pipeline;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Marks the requests Warden itself sends through an application's client, so that its hooks let
 * them pass instead of handling them again.
 */
public final class Bypass {

  /**
   * Set to {@code FALSE} rather than removed when a bypass ends: a thread that sends Jira calls
   * keeps its entry, and removing it each time costs a table walk.
   */
  private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

  private Bypass() {}

  /** Whether the current thread is sending on Warden's behalf. */
  public static boolean active() {
    return ACTIVE.get() == Boolean.TRUE;
  }

  /** Runs {@code action} with hooks passing everything through on this thread. */
  public static <T> T call(Supplier<T> action) {
    if (active()) {
      return action.get();
    }
    ACTIVE.set(Boolean.TRUE);
    try {
      return action.get();
    } finally {
      ACTIVE.set(Boolean.FALSE);
    }
  }

  /** An action that may throw an {@link IOException}. */
  @FunctionalInterface
  public interface IoAction<T> {
    T run() throws IOException;
  }

  /** Like {@link #call(Supplier)}, for I/O. */
  public static <T> T io(IoAction<T> action) throws IOException {
    if (active()) {
      return action.run();
    }
    ACTIVE.set(Boolean.TRUE);
    try {
      return action.run();
    } finally {
      ACTIVE.set(Boolean.FALSE);
    }
  }

  /**
   * Lets hooks pass everything through on this thread until closed: {@code try (var s =
   * Bypass.open()) {...}}.
   */
  public static Scope open() {
    if (active()) {
      return Scope.NESTED;
    }
    ACTIVE.set(Boolean.TRUE);
    return Scope.OUTER;
  }

  /** A bypass scope; closing the outermost ends it. */
  public enum Scope implements AutoCloseable {
    OUTER,
    NESTED;

    @Override
    public void close() {
      if (this == OUTER) {
        ACTIVE.set(Boolean.FALSE);
      }
    }
  }
}
