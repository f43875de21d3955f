package dev.warden.agent.hook.jdk.urlconnection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The output stream Warden's connection gives the application: it keeps the body until the request
 * is sent, holding the application to a fixed length it declared as the JDK would.
 */
final class BufferedBody extends OutputStream {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final long fixedLength;
  private boolean closed;

  /**
   * @param fixedLength the length the application declared, or -1
   */
  BufferedBody(long fixedLength) {
    this.fixedLength = fixedLength;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("Stream is closed");
    }
    if (fixedLength >= 0 && bytes.size() + (long) len > fixedLength) {
      throw new IOException("too many bytes written");
    }
    bytes.write(b, off, len);
  }

  @Override
  public void close() {
    closed = true;
  }

  /** The body, once the application is done with it. */
  byte[] finish() throws IOException {
    if (fixedLength >= 0 && bytes.size() != fixedLength) {
      throw new IOException("insufficient data written");
    }
    return bytes.toByteArray();
  }
}
