package dev.warden.policy.yaml;

import java.util.List;

/** A YAML node that remembers where it was written. */
public sealed interface Node permits Node.MapNode, Node.ListNode, Node.ScalarNode {

  /** Where the node starts. */
  Mark mark();

  /** What a user would call this kind of node in an error message. */
  String kindName();

  /**
   * A mapping, entries in file order.
   *
   * @param mark where the mapping starts
   * @param entries its entries
   */
  record MapNode(Mark mark, List<Entry> entries) implements Node {
    public MapNode {
      entries = List.copyOf(entries);
    }

    /** The value under {@code key}, or {@code null}. */
    public Entry entry(String key) {
      for (Entry entry : entries) {
        if (entry.key().equals(key)) {
          return entry;
        }
      }
      return null;
    }

    @Override
    public String kindName() {
      return "a mapping";
    }
  }

  /**
   * One {@code key: value} of a mapping.
   *
   * @param key the key
   * @param keyMark where the key is written
   * @param value the value
   */
  record Entry(String key, Mark keyMark, Node value) {}

  /**
   * A sequence.
   *
   * @param mark where it starts
   * @param items its items
   */
  record ListNode(Mark mark, List<Node> items) implements Node {
    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public String kindName() {
      return "a list";
    }
  }

  /**
   * A scalar, with the text as written (so {@code NO}, {@code off} and {@code 010} stay what the
   * user wrote).
   *
   * @param mark where it is written
   * @param text the text, {@code null} for a YAML null
   * @param type the type YAML gives it
   */
  record ScalarNode(Mark mark, String text, ScalarType type) implements Node {
    @Override
    public String kindName() {
      return switch (type) {
        case NULL -> "nothing";
        case INTEGER -> "a whole number";
        case FLOAT -> "a number";
        case BOOLEAN -> "true or false";
        case STRING -> "a string";
      };
    }
  }

  /** What YAML made of a scalar. */
  enum ScalarType {
    STRING,
    INTEGER,
    FLOAT,
    BOOLEAN,
    NULL
  }
}
