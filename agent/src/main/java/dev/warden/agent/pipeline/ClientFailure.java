package dev.warden.agent.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A client's unchecked failure ({@code ReadTimeoutException}, {@code HttpClientException}, {@code
 * VertxException}) as the pipeline takes it: wrapped, so that it counts as the client's failure and
 * not as an internal error of Warden's, while the audit still names the client's own type.
 */
public final class ClientFailure extends UncheckedIOException {

  private static final long serialVersionUID = 1L;

  private final transient Throwable original;

  private ClientFailure(Throwable original) {
    super(new IOException(original.getClass().getName(), original));
    this.original = original;
  }

  /** A client's failure as the pipeline takes it: checked ones as they are, others wrapped. */
  public static Throwable of(Throwable error) {
    return error instanceof RuntimeException && !(error instanceof UncheckedIOException)
        ? new ClientFailure(error)
        : error;
  }

  /** The type the audit names for a failure: the client's own for a wrapped one. */
  public static String typeOf(Throwable error) {
    return (error instanceof ClientFailure wrapped ? wrapped.original : error).getClass().getName();
  }
}
