package dev.warden.policy.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses YAML (and so JSON) into {@link Node}s that remember their line and column, with Jackson's
 * streaming YAML parser. Words YAML 1.1 would make booleans ({@code on}, {@code off}, {@code NO})
 * stay strings: a project key {@code NO} is a project key.
 */
public final class YamlTree {

  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build();

  private YamlTree() {}

  /** A YAML text that cannot be read as one document. */
  public static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Mark mark;

    SyntaxException(Mark mark, String message) {
      super(message);
      this.mark = mark;
    }

    /** Where the problem is. */
    public Mark mark() {
      return mark;
    }
  }

  /** Parses one document; an empty document is {@code null}. */
  public static Node parse(String text) throws SyntaxException {
    try (JsonParser parser = YAML.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      Node node = read(parser, first);
      JsonToken next = parser.nextToken();
      if (next != null) {
        throw new SyntaxException(
            mark(parser.currentTokenLocation()),
            "a policy file holds one YAML document; found a second one here");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new SyntaxException(
          mark(e.getLocation()), "not valid YAML: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new SyntaxException(Mark.NONE, "cannot read: " + e.getMessage());
    }
  }

  private static Node read(JsonParser parser, JsonToken token) throws IOException, SyntaxException {
    Mark mark = mark(parser.currentTokenLocation());
    if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
      throw new SyntaxException(
          mark, "YAML aliases (*name) are not supported in a policy; write the value out");
    }
    switch (token) {
      case START_OBJECT -> {
        List<Node.Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          Mark keyMark = mark(parser.currentTokenLocation());
          if (!seen.add(key)) {
            throw new SyntaxException(
                keyMark, "key '" + key + "' appears twice in the same mapping");
          }
          Node value = read(parser, parser.nextToken());
          entries.add(new Node.Entry(key, keyMark, value));
        }
        if (next != JsonToken.END_OBJECT) {
          throw new SyntaxException(mark, "unterminated mapping");
        }
        return new Node.MapNode(mark, entries);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        JsonToken next;
        while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
          if (next == null) {
            throw new SyntaxException(mark, "unterminated list");
          }
          items.add(read(parser, next));
        }
        return new Node.ListNode(mark, items);
      }
      case VALUE_STRING -> {
        return new Node.ScalarNode(mark, parser.getText(), Node.ScalarType.STRING);
      }
      case VALUE_NUMBER_INT -> {
        return new Node.ScalarNode(mark, parser.getText(), Node.ScalarType.INTEGER);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new Node.ScalarNode(mark, parser.getText(), Node.ScalarType.FLOAT);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new Node.ScalarNode(mark, parser.getText(), Node.ScalarType.BOOLEAN);
      }
      case VALUE_NULL -> {
        return new Node.ScalarNode(mark, null, Node.ScalarType.NULL);
      }
      default -> throw new SyntaxException(mark, "unexpected " + token);
    }
  }

  private static Mark mark(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return Mark.NONE;
    }
    return new Mark(location.getLineNr(), Math.max(1, location.getColumnNr()));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }
}
