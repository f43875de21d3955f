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

  /**
   * Fails when the error for {@code input} repeats {@code literal} (a possible secret written in
   * it), when it is long enough to tell and not itself a reference. Differential, so that text the
   * message always has (an example) is no finding: the literal counts as repeated only if the same
   * input with the literal replaced by a marker of its length gets a message with the marker.
   */
  public static void checkNoLiteral(
      java.util.function.Function<String, String> errorOf, String literal, String input) {
    if (literal == null
        || literal.length() < SECRET_LENGTH
        || literal.contains("${")
        || literal.isBlank()) {
      return;
    }
    String message = errorOf.apply(input);
    if (message == null || !message.contains(literal)) {
      return;
    }
    String marker = "Q".repeat(literal.length());
    String again = errorOf.apply(input.replace(literal, marker));
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
   * The user information of a URL-like text ({@code scheme://userinfo@host}) when it holds a
   * literal, else {@code null}.
   */
  public static String literalUserInfo(String text) {
    int scheme = text.indexOf("://");
    int at = text.lastIndexOf('@');
    if (scheme < 0 || at <= scheme + 3) {
      return null;
    }
    String info = text.substring(scheme + 3, at);
    int colon = info.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String password = info.substring(colon + 1);
    int reference = password.indexOf("${");
    return reference < 0 ? password : password.substring(0, reference);
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
