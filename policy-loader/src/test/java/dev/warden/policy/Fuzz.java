package dev.warden.policy;

/** Checks for fuzz targets: a failed one is a finding, with the input that made it. */
public final class Fuzz {

  /** Literals shorter than this are too common to tell an echoed secret from chance. */
  static final int SECRET_LENGTH = 6;

  private Fuzz() {}

  /** Fails, naming the property and the input, when {@code holds} is false. */
  public static void check(boolean holds, String property, String input) {
    if (!holds) {
      throw new AssertionError(property + "; input: " + printable(input));
    }
  }

  /** A literal written in an input, and where. */
  public record Literal(String text, int at) {}

  /**
   * Fails when the error for {@code input} repeats {@code literal} (a possible secret written in
   * it), when it is long enough to tell and not itself a reference. Differential, so that text the
   * message always has (an example, the scheme) is no finding: the literal counts as repeated only
   * if the same input with it replaced, where it was written, by a marker of its length gets a
   * message with the marker.
   */
  public static void checkNoLiteral(
      java.util.function.Function<String, String> errorOf, Literal literal, String input) {
    if (literal == null
        || literal.text().length() < SECRET_LENGTH
        || literal.text().contains("${")
        || literal.text().isBlank()) {
      return;
    }
    String message = errorOf.apply(input);
    if (message == null || !message.contains(literal.text())) {
      return;
    }
    // A marker the input does not hold (the fuzzer learns any fixed one).
    char mark = '\u2603';
    while (input.indexOf(mark) >= 0) {
      mark++;
    }
    String marker = String.valueOf(mark).repeat(literal.text().length());
    String again =
        errorOf.apply(
            input.substring(0, literal.at())
                + marker
                + input.substring(literal.at() + literal.text().length()));
    check(again == null || !again.contains(marker), "an error repeats a literal", input);
  }

  /** The message of the {@link IllegalArgumentException} {@code parse} throws, or {@code null}. */
  public static String errorOf(java.util.function.Consumer<String> parse, String text) {
    try {
      parse.accept(text);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * The password of a URL-like text's user information ({@code scheme://user:password@host}) up to
   * any reference in it, when there is one, else {@code null}.
   */
  public static Literal literalUserInfo(String text) {
    int scheme = text.indexOf("://");
    int at = text.lastIndexOf('@');
    if (scheme < 0 || at <= scheme + 3) {
      return null;
    }
    int colon = text.indexOf(':', scheme + 3);
    if (colon < 0 || colon >= at) {
      return null;
    }
    String password = text.substring(colon + 1, at);
    int reference = password.indexOf("${");
    return new Literal(reference < 0 ? password : password.substring(0, reference), colon + 1);
  }

  /** The input with controls escaped, for a finding's message. */
  public static String printable(String input) {
    StringBuilder out = new StringBuilder();
    input
        .codePoints()
        .limit(400)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
