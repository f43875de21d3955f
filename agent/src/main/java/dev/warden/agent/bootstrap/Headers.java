package dev.warden.agent.bootstrap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** HTTP header fields: an immutable multimap with case-insensitive names, in name order. */
public final class Headers {

  /** No fields. */
  public static final Headers EMPTY = new Headers(new TreeMap<>(String.CASE_INSENSITIVE_ORDER));

  private final TreeMap<String, List<String>> fields;

  private Headers(TreeMap<String, List<String>> fields) {
    this.fields = fields;
  }

  /**
   * The fields of a map such as a client's own header map; {@code null} keys (status lines) are
   * skipped.
   */
  public static Headers of(Map<String, ? extends List<String>> map) {
    TreeMap<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, ? extends List<String>> entry : map.entrySet()) {
      if (entry.getKey() == null || entry.getValue() == null || entry.getValue().isEmpty()) {
        continue;
      }
      fields.computeIfAbsent(entry.getKey(), k -> new ArrayList<>(1)).addAll(entry.getValue());
    }
    fields.replaceAll((k, v) -> List.copyOf(v));
    return new Headers(fields);
  }

  /** Fields from alternating names and values: {@code of("Content-Type", "application/json")}. */
  public static Headers of(String... namesAndValues) {
    TreeMap<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      fields.computeIfAbsent(namesAndValues[i], k -> new ArrayList<>(1)).add(namesAndValues[i + 1]);
    }
    fields.replaceAll((k, v) -> List.copyOf(v));
    return new Headers(fields);
  }

  /** The first value of a field, or {@code null}. */
  public String first(String name) {
    List<String> values = fields.get(name);
    return values == null ? null : values.get(0);
  }

  /** Every value of a field; empty when absent. */
  public List<String> all(String name) {
    List<String> values = fields.get(name);
    return values == null ? List.of() : values;
  }

  /** Whether the field is present. */
  public boolean has(String name) {
    return fields.containsKey(name);
  }

  /** These fields with {@code name} set to the single {@code value}. */
  public Headers with(String name, String value) {
    TreeMap<String, List<String>> copy = new TreeMap<>(fields);
    copy.remove(name);
    copy.put(name, List.of(value));
    return new Headers(copy);
  }

  /**
   * These fields with {@code name} set to {@code values}, or removed when {@code values} is empty.
   */
  public Headers with(String name, List<String> values) {
    TreeMap<String, List<String>> copy = new TreeMap<>(fields);
    copy.remove(name);
    if (!values.isEmpty()) {
      copy.put(name, List.copyOf(values));
    }
    return new Headers(copy);
  }

  /** These fields without {@code name}. */
  public Headers without(String name) {
    if (!fields.containsKey(name)) {
      return this;
    }
    TreeMap<String, List<String>> copy = new TreeMap<>(fields);
    copy.remove(name);
    return new Headers(copy);
  }

  /** The field names, in case-insensitive order, as first written. */
  public Set<String> names() {
    return Collections.unmodifiableSet(fields.keySet());
  }

  /** A read-only view of the fields. */
  public Map<String, List<String>> map() {
    return Collections.unmodifiableMap(fields);
  }

  /** Names only: header values can be credentials, so they are never printed. */
  @Override
  public String toString() {
    return "Headers" + names().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }
}
