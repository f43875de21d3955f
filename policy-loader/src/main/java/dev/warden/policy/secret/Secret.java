package dev.warden.policy.secret;

import java.util.Arrays;

/**
 * A secret value. The only type in Warden that holds one; it never prints it: {@link #toString()}
 * is {@code ***}, and there is no {@code equals} that could be used to probe it.
 */
public final class Secret {

  private final char[] value;

  private Secret(char[] value) {
    this.value = value;
  }

  /** Wraps a value read from a secret source. */
  public static Secret of(String value) {
    return new Secret(value.toCharArray());
  }

  /** The value, for the one place that must send it (an {@code Authorization} header). */
  public String reveal() {
    return new String(value);
  }

  /** Whether the value is empty. */
  public boolean isEmpty() {
    return value.length == 0;
  }

  /** Overwrites the value in memory. */
  public void destroy() {
    Arrays.fill(value, '\0');
  }

  @Override
  public String toString() {
    return "***";
  }
}
