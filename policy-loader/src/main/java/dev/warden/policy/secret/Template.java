package dev.warden.policy.secret;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A policy string that may hold secret references: {@code ${env:TOKEN}} alone, or embedded in
 * literal text as in {@code redis://:${env:REDIS_PASSWORD}@redis:6379}.
 */
public final class Template {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
  private static final String FORMS =
      "${env:NAME}, ${file:/absolute/path} or ${pkcs12:/path/store.p12#alias}";

  private final String text;
  private final List<Object> parts;

  private Template(String text, List<Object> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses text with {@code ${...}} references.
   *
   * @throws IllegalArgumentException naming the malformed reference and the forms to write instead
   */
  public static Template parse(String text) {
    List<Object> parts = new ArrayList<>();
    Matcher matcher = REFERENCE.matcher(text);
    int last = 0;
    while (matcher.find()) {
      if (matcher.start() > last) {
        parts.add(text.substring(last, matcher.start()));
      }
      parts.add(reference(matcher.group(1)));
      last = matcher.end();
    }
    if (last < text.length()) {
      String rest = text.substring(last);
      if (rest.contains("${")) {
        // Never the text itself: what precedes the reference may be a secret written by mistake.
        throw new IllegalArgumentException(
            "unterminated secret reference at character "
                + (last + rest.indexOf("${") + 1)
                + "; write "
                + FORMS);
      }
      parts.add(rest);
    }
    return new Template(text, parts);
  }

  private static SecretRef reference(String body) {
    int colon = body.indexOf(':');
    String kind = colon < 0 ? body : body.substring(0, colon);
    String argument = colon < 0 ? "" : body.substring(colon + 1);
    switch (kind) {
      case "env" -> {
        if (!argument.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          // Not quoted, here or below: what a mistaken reference holds may be the secret itself.
          throw new IllegalArgumentException(
              "an ${env:...} reference does not name an environment variable; write ${env:NAME}"
                  + " with letters, digits and _");
        }
        return new SecretRef.Env(argument);
      }
      case "file" -> {
        if (!argument.startsWith("/")) {
          throw new IllegalArgumentException(
              "a ${file:...} reference needs an absolute path, such as"
                  + " ${file:/var/run/secrets/jira-token}");
        }
        return new SecretRef.File(path(argument, "file"));
      }
      case "pkcs12" -> {
        int hash = argument.lastIndexOf('#');
        if (!argument.startsWith("/") || hash < 0 || hash == argument.length() - 1) {
          throw new IllegalArgumentException(
              "a ${pkcs12:...} reference needs an absolute key store path and an alias, such as"
                  + " ${pkcs12:/etc/warden/jira.p12#jira-token}");
        }
        return new SecretRef.Pkcs12(
            path(argument.substring(0, hash), "pkcs12"), argument.substring(hash + 1));
      }
      default ->
          // Not quoted: what a mistaken reference holds may be the secret itself (${hunter2}).
          throw new IllegalArgumentException("unknown kind of secret reference; write " + FORMS);
    }
  }

  /** A reference's path; one the file system cannot name (a NUL in it) is an error saying so. */
  private static Path path(String text, String kind) {
    try {
      return Path.of(text);
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException(
          "the path of a ${" + kind + ":...} reference is not one a file system can name");
    }
  }

  /** The forms a secret reference can take, for messages. */
  public static String forms() {
    return FORMS;
  }

  /** The text as written in the policy; safe to print (references, never values). */
  public String text() {
    return text;
  }

  /** Whether the whole text is exactly one reference. */
  public boolean isSingleReference() {
    return parts.size() == 1 && parts.get(0) instanceof SecretRef;
  }

  /** Whether the text holds no reference at all. */
  public boolean isLiteral() {
    return parts.stream().noneMatch(SecretRef.class::isInstance);
  }

  /** The references in the text. */
  public List<SecretRef> references() {
    return parts.stream().filter(SecretRef.class::isInstance).map(SecretRef.class::cast).toList();
  }

  /** The text with every reference replaced by its value. */
  public Secret resolve(SecretResolver resolver) throws SecretUnavailableException {
    if (isLiteral()) {
      return Secret.of(text);
    }
    StringBuilder out = new StringBuilder();
    for (Object part : parts) {
      if (part instanceof SecretRef ref) {
        out.append(resolver.resolve(ref).reveal());
      } else {
        out.append((String) part);
      }
    }
    return Secret.of(out.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Template other && other.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
