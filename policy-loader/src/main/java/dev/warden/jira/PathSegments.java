package dev.warden.jira;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A request path reduced to the segments a Jira server would route on.
 *
 * <p>Decisions must see what Jira will see, so the reduction is deliberately generous with tricks
 * meant to slip past a matcher: {@code ;parameters} are dropped from every segment (as servlet
 * containers do), percent-encoding is decoded, an encoded or literal {@code /} or {@code \} splits
 * a segment, empty segments ({@code //}, a trailing {@code /}) and {@code .} disappear, and {@code
 * ..} removes the segment before it. The result never climbs above the root.
 */
public final class PathSegments {

  private final List<String> segments;

  private PathSegments(List<String> segments) {
    this.segments = Collections.unmodifiableList(segments);
  }

  /** Reduces a raw (still percent-encoded) path, without its query, to its segments. */
  public static PathSegments parse(String rawPath) {
    List<String> out = new ArrayList<>(12);
    if (rawPath == null || rawPath.isEmpty()) {
      return new PathSegments(out);
    }
    int start = 0;
    int length = rawPath.length();
    while (start <= length) {
      int slash = rawPath.indexOf('/', start);
      int end = slash < 0 ? length : slash;
      if (end > start) {
        addRawSegment(rawPath.substring(start, end), out);
      }
      start = end + 1;
    }
    return new PathSegments(out);
  }

  private static void addRawSegment(String raw, List<String> out) {
    int semicolon = raw.indexOf(';');
    String withoutParameters = semicolon < 0 ? raw : raw.substring(0, semicolon);
    String decoded = decode(withoutParameters);
    // A decoded separator is a separator: some servers and proxies decode %2F and %5C before
    // routing.
    int from = 0;
    for (int i = 0; i <= decoded.length(); i++) {
      if (i == decoded.length() || decoded.charAt(i) == '/' || decoded.charAt(i) == '\\') {
        if (i > from) {
          addSegment(decoded.substring(from, i), out);
        }
        from = i + 1;
      }
    }
  }

  private static void addSegment(String segment, List<String> out) {
    int semicolon = segment.indexOf(';');
    if (semicolon >= 0) {
      // An encoded %3B produced a parameter after decoding: drop it too.
      segment = segment.substring(0, semicolon);
      if (segment.isEmpty()) {
        return;
      }
    }
    if (segment.equals(".")) {
      return;
    }
    if (segment.equals("..")) {
      if (!out.isEmpty()) {
        out.remove(out.size() - 1);
      }
      return;
    }
    out.add(segment);
  }

  /** Percent-decodes UTF-8; a malformed escape is kept as written. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          bytes.write((hi << 4) | lo);
          i += 3;
          continue;
        }
      }
      int next = s.offsetByCodePoints(i, 1);
      byte[] utf8 = s.substring(i, next).getBytes(StandardCharsets.UTF_8);
      bytes.write(utf8, 0, utf8.length);
      i = next;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The segments, in order. */
  public List<String> segments() {
    return segments;
  }

  public int size() {
    return segments.size();
  }

  public String get(int index) {
    return segments.get(index);
  }

  /** Whether these segments begin with {@code prefix}, ignoring case. */
  public boolean startsWith(List<String> prefix) {
    if (prefix.size() > segments.size()) {
      return false;
    }
    for (int i = 0; i < prefix.size(); i++) {
      if (!prefix.get(i).equalsIgnoreCase(segments.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The segments after the first {@code count}. */
  public PathSegments drop(int count) {
    return new PathSegments(new ArrayList<>(segments.subList(count, segments.size())));
  }

  /** The path these segments spell, with a leading {@code /}. */
  @Override
  public String toString() {
    return "/" + String.join("/", segments);
  }
}
