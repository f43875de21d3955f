package dev.warden.policy;

import dev.warden.policy.yaml.Mark;
import dev.warden.policy.yaml.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to one mapping of a policy file, reporting every problem with where it is and what
 * to write instead. A getter that finds a problem reports it and returns {@code null}.
 */
final class Section {

  /** A scalar taken from the file with where it was written. */
  record Scalar(String text, Mark mark) {}

  private final Node.MapNode map;
  private final Mark mark;
  private final String where;
  private final Problems problems;

  private Section(Node.MapNode map, Mark mark, String where, Problems problems) {
    this.map = map;
    this.mark = mark;
    this.where = where;
    this.problems = problems;
  }

  /**
   * A section over {@code node}, which must be a mapping with no keys but {@code keys}.
   *
   * @param where how messages name the section, such as {@code site 'acme'}
   */
  static Section of(Node node, String where, Problems problems, List<String> keys) {
    if (!(node instanceof Node.MapNode map)) {
      problems.add(
          node.mark(),
          where
              + " must be a mapping of keys ("
              + String.join(", ", keys)
              + "); found "
              + node.kindName());
      return new Section(new Node.MapNode(node.mark(), List.of()), node.mark(), where, problems);
    }
    for (Node.Entry entry : map.entries()) {
      if (!keys.contains(entry.key())) {
        problems.add(
            entry.keyMark(),
            "unknown key '"
                + entry.key()
                + "' in "
                + where
                + "; expected one of "
                + String.join(", ", keys)
                + Suggestions.didYouMean(entry.key(), keys));
      }
    }
    return new Section(map, map.mark(), where, problems);
  }

  Mark mark() {
    return mark;
  }

  String where() {
    return where;
  }

  Problems problems() {
    return problems;
  }

  /** The raw node under {@code key}, or {@code null}. */
  Node node(String key) {
    Node.Entry entry = map.entry(key);
    return entry == null ? null : entry.value();
  }

  /** Whether {@code key} is present with a non-null value. */
  boolean has(String key) {
    Node node = node(key);
    return node != null && !(node instanceof Node.ScalarNode s && s.type() == Node.ScalarType.NULL);
  }

  /** Where the value of {@code key} is written, or the section's mark. */
  Mark markOf(String key) {
    Node node = node(key);
    return node == null ? mark : node.mark();
  }

  /** A scalar written as text (any scalar: {@code 123} is the text {@code 123}). */
  Scalar text(String key) {
    Node node = node(key);
    if (node == null || node instanceof Node.ScalarNode s && s.type() == Node.ScalarType.NULL) {
      return null;
    }
    if (node instanceof Node.ScalarNode scalar) {
      return new Scalar(scalar.text(), scalar.mark());
    }
    problems.add(
        node.mark(),
        "'" + key + "' of " + where + " must be a single value; found " + node.kindName());
    return null;
  }

  /** Like {@link #text(String)}, and reports a missing value: {@code add key: example}. */
  Scalar requiredText(String key, String example) {
    Scalar scalar = text(key);
    if (scalar == null && !has(key)) {
      problems.add(mark, where + " has no '" + key + "'; add " + key + ": " + example);
    }
    return scalar;
  }

  /** A whole number of at least {@code min}. */
  Long wholeNumber(String key, long min, String example) {
    Node node = node(key);
    if (node == null) {
      return null;
    }
    if (node instanceof Node.ScalarNode s && s.type() == Node.ScalarType.INTEGER) {
      try {
        long value = Long.parseLong(s.text());
        if (value >= min) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problems.add(
        node.mark(),
        "'"
            + key
            + "' of "
            + where
            + " must be a whole number of at least "
            + min
            + ", such as "
            + key
            + ": "
            + example
            + "; found "
            + describe(node));
    return null;
  }

  /** {@code true} or {@code false}. */
  Boolean bool(String key) {
    Node node = node(key);
    if (node == null) {
      return null;
    }
    if (node instanceof Node.ScalarNode s && s.type() == Node.ScalarType.BOOLEAN) {
      return Boolean.parseBoolean(s.text());
    }
    problems.add(
        node.mark(),
        "'" + key + "' of " + where + " must be true or false; found " + describe(node));
    return null;
  }

  /**
   * A duration ({@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}); {@code fallback} when absent.
   */
  Duration duration(String key, Duration fallback) {
    Scalar scalar = text(key);
    if (scalar == null) {
      return has(key) ? null : fallback;
    }
    Duration duration = Durations.parse(scalar.text());
    if (duration == null) {
      problems.add(
          scalar.mark(),
          "'"
              + key
              + "' of "
              + where
              + " must be "
              + Durations.FORMS
              + "; found '"
              + scalar.text()
              + "'");
    }
    return duration;
  }

  /** One of an enumeration's words; {@code fallback} when absent. */
  <E extends Enum<E>> E word(String key, Class<E> type, E fallback) {
    Scalar scalar = text(key);
    if (scalar == null) {
      return has(key) ? null : fallback;
    }
    E value = Words.parse(type, scalar.text());
    if (value == null) {
      problems.add(
          scalar.mark(),
          "'"
              + key
              + "' of "
              + where
              + " must be "
              + Words.choices(type)
              + "; found '"
              + scalar.text()
              + "'");
    }
    return value;
  }

  /** A single value or a list of values; empty when absent. */
  List<Scalar> list(String key) {
    Node node = node(key);
    List<Scalar> out = new ArrayList<>();
    if (node == null || node instanceof Node.ScalarNode s && s.type() == Node.ScalarType.NULL) {
      return out;
    }
    if (node instanceof Node.ScalarNode scalar) {
      out.add(new Scalar(scalar.text(), scalar.mark()));
    } else if (node instanceof Node.ListNode list) {
      for (Node item : list.items()) {
        if (item instanceof Node.ScalarNode scalar && scalar.type() != Node.ScalarType.NULL) {
          out.add(new Scalar(scalar.text(), scalar.mark()));
        } else {
          problems.add(
              item.mark(),
              "each entry of '"
                  + key
                  + "' in "
                  + where
                  + " must be a single value; found "
                  + item.kindName());
        }
      }
    } else {
      problems.add(
          node.mark(),
          "'"
              + key
              + "' of "
              + where
              + " must be a value or a list of values; found "
              + node.kindName());
    }
    return out;
  }

  private static String describe(Node node) {
    if (node instanceof Node.ScalarNode s && s.text() != null) {
      return "'" + s.text() + "'";
    }
    return node.kindName();
  }
}
