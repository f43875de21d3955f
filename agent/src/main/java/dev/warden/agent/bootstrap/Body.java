package dev.warden.agent.bootstrap;

import java.util.function.Supplier;

/**
 * A request body as Warden sees it. Reading it is up to the hook and may be costly (a body
 * publisher must be drained), so it is read only when asked, at most once.
 */
public final class Body {

  /**
   * The most of a request body Warden reads to decide the request (a create names its project
   * there): a larger body is decided without it, and is not retried.
   */
  public static final int MAX_BYTES = 1 << 20;

  /** No body. */
  public static final Body NONE = new Body(null, new byte[0], true);

  private final Supplier<byte[]> reader;
  private volatile byte[] bytes;
  private volatile boolean read;

  private Body(Supplier<byte[]> reader, byte[] bytes, boolean read) {
    this.reader = reader;
    this.bytes = bytes;
    this.read = read;
  }

  /** A body already in memory. */
  public static Body of(byte[] bytes) {
    return new Body(null, bytes, true);
  }

  /**
   * A body read on first use; the reader returns {@code null} when the body cannot be read again (a
   * stream).
   */
  public static Body lazy(Supplier<byte[]> reader) {
    return new Body(reader, null, false);
  }

  /** The bytes, reading them now if needed; {@code null} when they cannot be read. */
  public byte[] bytes() {
    if (!read) {
      synchronized (this) {
        if (!read) {
          bytes = reader.get();
          read = true;
        }
      }
    }
    return bytes;
  }

  /**
   * Whether the bytes were read, so that a hook must send them instead of the application's own
   * body.
   */
  public boolean wasRead() {
    return read && bytes != null && this != NONE;
  }
}
