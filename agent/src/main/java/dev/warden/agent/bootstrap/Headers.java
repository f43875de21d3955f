package dev.warden.agent.bootstrap;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * HTTP header fields: an immutable multimap with case-insensitive names, in name order.
 *
 * <p>Every Jira call builds a few of these (the request as the client made it, the response, the
 * request as sent), so they are two sorted arrays rather than a tree: a request's dozen fields are
 * found by binary search, copied with two array copies, and read by hooks in order.
 */
public final class Headers {

  private static final Comparator<String> ORDER = String.CASE_INSENSITIVE_ORDER;
  private static final String[] NO_NAMES = {};

  @SuppressWarnings("unchecked")
  private static final List<String>[] NO_VALUES = new List[0];

  /** No fields. */
  public static final Headers EMPTY = new Headers(NO_NAMES, NO_VALUES);

  /** Names as first written, sorted case-insensitively, no two equal ignoring case. */
  private final String[] names;

  /** Each name's values: immutable and never empty. */
  private final List<String>[] values;

  private Headers(String[] names, List<String>[] values) {
    this.names = names;
    this.values = values;
  }

  /**
   * The fields of a map such as a client's own header map; {@code null} keys (status lines) are
   * skipped, and names equal but for case are merged.
   */
  public static Headers of(Map<String, ? extends List<String>> map) {
    Builder fields = new Builder(map.size());
    for (Map.Entry<String, ? extends List<String>> entry : map.entrySet()) {
      List<String> values = entry.getValue();
      if (entry.getKey() != null && values != null && !values.isEmpty()) {
        fields.add(entry.getKey(), values);
      }
    }
    return fields.build();
  }

  /** Fields from alternating names and values: {@code of("Content-Type", "application/json")}. */
  public static Headers of(String... namesAndValues) {
    Builder fields = new Builder(namesAndValues.length / 2);
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      fields.add(namesAndValues[i], List.of(namesAndValues[i + 1]));
    }
    return fields.build();
  }

  /**
   * The fields of a client's own indexed header list, {@code size} names and values read by index
   * (a name may repeat).
   */
  public static Headers of(int size, IntFunction<String> name, IntFunction<String> value) {
    Builder fields = new Builder(size);
    for (int i = 0; i < size; i++) {
      fields.add(name.apply(i), List.of(value.apply(i)));
    }
    return fields.build();
  }

  /** The first value of a field, or {@code null}. */
  public String first(String name) {
    int at = indexOf(name);
    return at < 0 ? null : values[at].get(0);
  }

  /** Every value of a field; empty when absent. */
  public List<String> all(String name) {
    int at = indexOf(name);
    return at < 0 ? List.of() : values[at];
  }

  /** Whether the field is present. */
  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  /** These fields with {@code name} set to the single {@code value}. */
  public Headers with(String name, String value) {
    return with(name, List.of(value));
  }

  /**
   * These fields with {@code name} set to {@code values}, or removed when {@code values} is empty.
   */
  public Headers with(String name, List<String> values) {
    if (values.isEmpty()) {
      return without(name);
    }
    List<String> copy = List.copyOf(values);
    int at = indexOf(name);
    if (at >= 0) {
      String[] newNames = names.clone();
      List<String>[] newValues = this.values.clone();
      newNames[at] = name;
      newValues[at] = copy;
      return new Headers(newNames, newValues);
    }
    int insert = -at - 1;
    String[] newNames = new String[names.length + 1];
    List<String>[] newValues = newValues(names.length + 1);
    System.arraycopy(names, 0, newNames, 0, insert);
    System.arraycopy(this.values, 0, newValues, 0, insert);
    newNames[insert] = name;
    newValues[insert] = copy;
    System.arraycopy(names, insert, newNames, insert + 1, names.length - insert);
    System.arraycopy(this.values, insert, newValues, insert + 1, names.length - insert);
    return new Headers(newNames, newValues);
  }

  /** These fields without {@code name}. */
  public Headers without(String name) {
    int at = indexOf(name);
    if (at < 0) {
      return this;
    }
    String[] newNames = new String[names.length - 1];
    List<String>[] newValues = newValues(names.length - 1);
    System.arraycopy(names, 0, newNames, 0, at);
    System.arraycopy(values, 0, newValues, 0, at);
    System.arraycopy(names, at + 1, newNames, at, names.length - at - 1);
    System.arraycopy(values, at + 1, newValues, at, names.length - at - 1);
    return new Headers(newNames, newValues);
  }

  /** The field names, in case-insensitive order, as first written. */
  public Set<String> names() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        return Arrays.asList(names).iterator();
      }

      @Override
      public int size() {
        return names.length;
      }

      @Override
      public boolean contains(Object name) {
        return name instanceof String field && indexOf(field) >= 0;
      }
    };
  }

  /** A read-only view of the fields, its keys case-insensitive. */
  public Map<String, List<String>> map() {
    return new View();
  }

  /** Names only: header values can be credentials, so they are never printed. */
  @Override
  public String toString() {
    return "Headers" + Arrays.stream(names).map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }

  private int indexOf(String name) {
    return Arrays.binarySearch(names, name, ORDER);
  }

  @SuppressWarnings("unchecked")
  private static List<String>[] newValues(int length) {
    return new List[length];
  }

  /** Collects fields in any order; a client's own map usually comes sorted already. */
  private static final class Builder {
    private String[] names;
    private List<String>[] values;
    private int size;

    Builder(int expected) {
      names = new String[Math.max(expected, 1)];
      values = newValues(names.length);
    }

    void add(String name, List<String> fieldValues) {
      int at =
          size > 0 && ORDER.compare(names[size - 1], name) < 0
              ? -size - 1
              : Arrays.binarySearch(names, 0, size, name, ORDER);
      if (at >= 0) {
        List<String> merged = new ArrayList<>(values[at]);
        merged.addAll(fieldValues);
        values[at] = List.copyOf(merged);
        return;
      }
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      int insert = -at - 1;
      System.arraycopy(names, insert, names, insert + 1, size - insert);
      System.arraycopy(values, insert, values, insert + 1, size - insert);
      names[insert] = name;
      values[insert] = List.copyOf(fieldValues);
      size++;
    }

    Headers build() {
      if (size == 0) {
        return EMPTY;
      }
      return size == names.length
          ? new Headers(names, values)
          : new Headers(Arrays.copyOf(names, size), Arrays.copyOf(values, size));
    }
  }

  /** {@link #map()}: the arrays seen as a map, without copying them. */
  private final class View extends AbstractMap<String, List<String>> {

    @Override
    public List<String> get(Object key) {
      int at = key instanceof String name ? indexOf(name) : -1;
      return at < 0 ? null : values[at];
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof String name && indexOf(name) >= 0;
    }

    @Override
    public int size() {
      return names.length;
    }

    @Override
    public Set<Map.Entry<String, List<String>>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, List<String>>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < names.length;
            }

            @Override
            public Map.Entry<String, List<String>> next() {
              if (next >= names.length) {
                throw new NoSuchElementException();
              }
              int at = next++;
              return new AbstractMap.SimpleImmutableEntry<>(names[at], values[at]);
            }
          };
        }

        @Override
        public int size() {
          return names.length;
        }
      };
    }
  }
}
