package dev.warden.policy;

import java.util.Arrays;
import java.util.Locale;

/** The policy's enumerations, each with the word a policy file writes for it. */
public final class Words {

  private Words() {}

  /** A value a policy writes as a word. */
  public interface Word {
    /** The word as the policy file writes it. */
    String word();
  }

  /** {@code mode}. */
  public enum Mode implements Word {
    ENFORCE,
    DRY_RUN;

    @Override
    public String word() {
      return wordOf(this);
    }
  }

  /** {@code unmanaged-egress}. */
  public enum UnmanagedEgress implements Word {
    AUDIT,
    BLOCK,
    OFF;

    @Override
    public String word() {
      return wordOf(this);
    }
  }

  /** A site's {@code flavor}. */
  public enum Flavor implements Word {
    CLOUD,
    DATA_CENTER;

    @Override
    public String word() {
      return wordOf(this);
    }
  }

  /** A rule's {@code effect}. */
  public enum Effect implements Word {
    ALLOW,
    DENY;

    @Override
    public String word() {
      return wordOf(this);
    }
  }

  /** A throttle's {@code per}: what gets a bucket of its own. */
  public enum Per implements Word {
    SITE,
    CALLER,
    RULE;

    @Override
    public String word() {
      return wordOf(this);
    }
  }

  /** The word for a constant: {@code DRY_RUN} is {@code dry-run}. */
  static String wordOf(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The constant a word names, or {@code null}. */
  static <E extends Enum<E>> E parse(Class<E> type, String word) {
    for (E constant : type.getEnumConstants()) {
      if (wordOf(constant).equals(word)) {
        return constant;
      }
    }
    return null;
  }

  /** The words of an enumeration, for messages: {@code enforce or dry-run}. */
  static String choices(Class<? extends Enum<?>> type) {
    String[] words =
        Arrays.stream(type.getEnumConstants()).map(Words::wordOf).toArray(String[]::new);
    if (words.length == 2) {
      return words[0] + " or " + words[1];
    }
    return String.join(", ", Arrays.copyOf(words, words.length - 1))
        + " or "
        + words[words.length - 1];
  }
}
