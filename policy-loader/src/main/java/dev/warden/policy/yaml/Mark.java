package dev.warden.policy.yaml;

/**
 * A place in a policy file: 1-based line and column.
 *
 * @param line the line, from 1
 * @param column the column, from 1
 */
public record Mark(int line, int column) {

  /** The place of something that is not in the file (a default). */
  public static final Mark NONE = new Mark(0, 0);

  @Override
  public String toString() {
    return line + ":" + column;
  }
}
