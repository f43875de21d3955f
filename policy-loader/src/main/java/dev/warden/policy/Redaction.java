package dev.warden.policy;

/** What an error message may quote of a URL the user wrote, when it may hold a secret. */
public final class Redaction {

  private Redaction() {}

  /**
   * The URL with any user information ({@code user:password@}), query and fragment replaced by
   * {@code ***}: an error about a URL never repeats a password or token written into it. Everything
   * up to the last {@code @} counts as user information, since a password that makes a URL
   * unparsable may hold {@code /}, {@code ?} or {@code #}.
   */
  public static String url(String text) {
    String out = text;
    int slashes = out.indexOf("//");
    int start = slashes >= 0 ? slashes + 2 : 0;
    int at = out.lastIndexOf('@');
    if (at >= start) {
      out = out.substring(0, start) + "***@" + out.substring(at + 1);
    }
    int cut = -1;
    for (int i = start; i < out.length(); i++) {
      char c = out.charAt(i);
      if (c == '?' || c == '#') {
        cut = i;
        break;
      }
    }
    return cut < 0 ? out : out.substring(0, cut + 1) + "***";
  }
}
