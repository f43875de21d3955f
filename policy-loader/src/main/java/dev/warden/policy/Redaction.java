package dev.warden.policy;

/** What an error message may quote of a URL the user wrote, when it may hold a secret. */
public final class Redaction {

  private Redaction() {}

  /**
   * The URL with any user information ({@code user:password@}) and query replaced by {@code ***}:
   * an error about a URL never repeats a password or token written into it.
   */
  public static String url(String text) {
    String out = text;
    int query = out.indexOf('?');
    if (query >= 0) {
      out = out.substring(0, query) + "?***";
    }
    int slashes = out.indexOf("//");
    int start = slashes >= 0 ? slashes + 2 : 0;
    int end = out.length();
    for (char stop : new char[] {'/', '?', '#'}) {
      int at = out.indexOf(stop, start);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    int at = out.lastIndexOf('@', end - 1);
    if (at >= start) {
      out = out.substring(0, start) + "***@" + out.substring(at + 1);
    }
    return out;
  }
}
