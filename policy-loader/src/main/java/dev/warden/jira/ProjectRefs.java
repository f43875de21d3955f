package dev.warden.jira;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The projects a request touches, as far as the request itself tells: project keys (upper case,
 * {@code OPS}) or numeric project ids ({@code 10000}) where only an id is given.
 *
 * @param values the keys and ids found
 * @param complete whether every part of the request named its project (a bulk create where one
 *     issue names none is incomplete)
 */
public record ProjectRefs(Set<String> values, boolean complete) {

  /** A request whose project cannot be known. */
  public static final ProjectRefs UNKNOWN = new ProjectRefs(Set.of(), false);

  public ProjectRefs {
    values = Set.copyOf(values);
  }

  /** The project of a request that names exactly one. */
  public static ProjectRefs of(String value) {
    return new ProjectRefs(Set.of(normalize(value)), true);
  }

  /** The projects of a request that names exactly these. */
  public static ProjectRefs of(Collection<String> values) {
    Set<String> normalized = new TreeSet<>();
    for (String value : values) {
      normalized.add(normalize(value));
    }
    return new ProjectRefs(normalized, !normalized.isEmpty());
  }

  /** A project key in upper case (Jira resolves {@code ops-12} to {@code OPS}); ids unchanged. */
  public static String normalize(String keyOrId) {
    return keyOrId.trim().toUpperCase(Locale.ROOT);
  }

  /** Whether no project is known. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Whether every project the request touches is known and among {@code allowed}. */
  public boolean allIn(Set<String> allowed) {
    return complete && !values.isEmpty() && allowed.containsAll(values);
  }

  /** Whether some known project of the request is among {@code named}. */
  public boolean anyIn(Set<String> named) {
    for (String value : values) {
      if (named.contains(value)) {
        return true;
      }
    }
    return false;
  }

  /** The values as a span attribute writes them: comma-separated, sorted. */
  public String text() {
    return String.join(",", new TreeSet<>(values));
  }
}
