package dev.warden.policy;

/**
 * A class or package glob as {@code callers} and {@code caller-skip} write them: {@code
 * com.acme.sync.SyncJob} (that class), {@code com.acme.sync.*} (classes in that package) or {@code
 * com.acme.**} (that package and every package below).
 */
public final class ClassGlob {

  private enum Kind {
    CLASS,
    PACKAGE,
    SUBTREE
  }

  private final String text;
  private final Kind kind;
  private final String stem;

  private ClassGlob(String text, Kind kind, String stem) {
    this.text = text;
    this.kind = kind;
    this.stem = stem;
  }

  /** Parses a glob the loader has already validated. */
  public static ClassGlob of(String glob) {
    if (glob.endsWith(".**")) {
      return new ClassGlob(glob, Kind.SUBTREE, glob.substring(0, glob.length() - 2));
    }
    if (glob.endsWith(".*")) {
      return new ClassGlob(glob, Kind.PACKAGE, glob.substring(0, glob.length() - 1));
    }
    return new ClassGlob(glob, Kind.CLASS, glob);
  }

  /**
   * Whether a class (its binary name, nested classes already folded into their outer class)
   * matches.
   */
  public boolean matches(String className) {
    return switch (kind) {
      case CLASS -> className.equals(stem);
      case SUBTREE -> className.startsWith(stem);
      case PACKAGE -> className.startsWith(stem) && className.indexOf('.', stem.length()) < 0;
    };
  }

  @Override
  public String toString() {
    return text;
  }
}
