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
   * Fails when {@code message} repeats {@code literal} (a possible secret), if it is long enough to
   * tell and is not itself a reference.
   */
  public static void checkNoLiteral(String message, String literal, String input) {
    if (literal == null
        || literal.length() < SECRET_LENGTH
        || literal.contains("${")
        || literal.isBlank()) {
      return;
    }
    check(message == null || !message.contains(literal), "an error repeats a literal", input);
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
