package dev.warden.agent.audit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * An audit record's attributes as OpenTelemetry reads them, in the record's order. The record's
 * names are already unique, so nothing needs the sort and merge the SDK's own attributes do on
 * every build; that sort was most of what making a span cost (JMH {@code AuditSpanBenchmark}, stack
 * profile). Immutable once made.
 */
final class RecordAttributes implements Attributes {

  private static final RecordAttributes EMPTY =
      new RecordAttributes(new AttributeKey<?>[0], new Object[0], 0);

  private final AttributeKey<?>[] keys;
  private final Object[] values;
  private final int size;

  private RecordAttributes(AttributeKey<?>[] keys, Object[] values, int size) {
    this.keys = keys;
    this.values = values;
    this.size = size;
  }

  /**
   * The values OpenTelemetry can carry: {@code Long} (and {@code Integer}, as a long), {@code
   * Boolean}, a list (as strings) and anything else as its string; {@code null} values are left
   * out. Names must be unique, as a map's keys are.
   */
  static RecordAttributes of(Map<String, Object> attributes) {
    int count = attributes.size();
    if (count == 0) {
      return EMPTY;
    }
    AttributeKey<?>[] keys = new AttributeKey<?>[count];
    Object[] values = new Object[count];
    int[] size = {0};
    attributes.forEach(
        (name, value) -> {
          if (value == null) {
            return;
          }
          int i = size[0]++;
          if (value instanceof Long) {
            keys[i] = Keys.of(name, Keys.LONG);
            values[i] = value;
          } else if (value instanceof Integer n) {
            keys[i] = Keys.of(name, Keys.LONG);
            values[i] = n.longValue();
          } else if (value instanceof Boolean) {
            keys[i] = Keys.of(name, Keys.BOOLEAN);
            values[i] = value;
          } else if (value instanceof List<?> list) {
            keys[i] = Keys.of(name, Keys.STRINGS);
            values[i] = strings(list);
          } else {
            keys[i] = Keys.of(name, Keys.STRING);
            values[i] = value.toString();
          }
        });
    return new RecordAttributes(keys, values, size[0]);
  }

  /** An immutable copy, each item as its string. */
  private static List<String> strings(List<?> list) {
    String[] copy = new String[list.size()];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = String.valueOf(list.get(i));
    }
    return List.of(copy);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(AttributeKey<T> key) {
    if (key == null) {
      return null;
    }
    for (int i = 0; i < size; i++) {
      AttributeKey<?> mine = keys[i];
      if (mine == key || (mine.getType() == key.getType() && mine.getKey().equals(key.getKey()))) {
        return (T) values[i];
      }
    }
    return null;
  }

  @Override
  public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
    for (int i = 0; i < size; i++) {
      consumer.accept(keys[i], values[i]);
    }
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public Map<AttributeKey<?>, Object> asMap() {
    Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
    forEach(map::put);
    return Collections.unmodifiableMap(map);
  }

  @Override
  @SuppressWarnings("unchecked")
  public AttributesBuilder toBuilder() {
    AttributesBuilder builder = Attributes.builder();
    for (int i = 0; i < size; i++) {
      builder.put((AttributeKey<Object>) keys[i], values[i]);
    }
    return builder;
  }

  /**
   * Equal to another record's attributes with the same keys and values, in any order. Not to the
   * SDK's own attributes, whose {@code equals} knows only its own class: equality stays symmetric.
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof RecordAttributes that && asMap().equals(that.asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return asMap().toString();
  }

  /**
   * Attribute keys made once per name and type: the names are the contract's few, and every span
   * would otherwise make its own.
   */
  private static final class Keys {
    /** One type of key, and those made so far by name. */
    record Type<T>(
        Function<String, AttributeKey<T>> make, ConcurrentHashMap<String, AttributeKey<T>> made) {
      Type(Function<String, AttributeKey<T>> make) {
        this(make, new ConcurrentHashMap<>());
      }
    }

    static final Type<String> STRING = new Type<>(AttributeKey::stringKey);
    static final Type<Long> LONG = new Type<>(AttributeKey::longKey);
    static final Type<Boolean> BOOLEAN = new Type<>(AttributeKey::booleanKey);
    static final Type<List<String>> STRINGS = new Type<>(AttributeKey::stringArrayKey);

    private static final int MAX = 512;

    static <T> AttributeKey<T> of(String name, Type<T> type) {
      AttributeKey<T> key = type.made.get(name);
      if (key == null) {
        key = type.make.apply(name);
        if (type.made.size() < MAX) {
          type.made.put(name, key);
        }
      }
      return key;
    }
  }
}
