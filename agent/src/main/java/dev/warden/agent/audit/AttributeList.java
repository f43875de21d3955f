package dev.warden.agent.audit;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * An audit record's attributes as two parallel arrays in the order they were first set: a Jira call
 * sets about twenty-five, each with a constant key, so a linear search by identity is quicker than
 * hashing and the arrays are the only allocation. Read as a map that cannot be changed.
 */
final class AttributeList extends AbstractMap<String, Object> {

  private String[] keys;
  private Object[] values;
  private int size;

  AttributeList(int capacity) {
    keys = new String[capacity];
    values = new Object[capacity];
  }

  /** Sets {@code key}, keeping its place if it was set before. */
  void set(String key, Object value) {
    int at = indexOf(key);
    if (at >= 0) {
      values[at] = value;
      return;
    }
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    keys[size] = key;
    values[size++] = value;
  }

  /** Removes {@code key}, if set. */
  void unset(String key) {
    int at = indexOf(key);
    if (at >= 0) {
      System.arraycopy(keys, at + 1, keys, at, size - at - 1);
      System.arraycopy(values, at + 1, values, at, size - at - 1);
      keys[--size] = null;
      values[size] = null;
    }
  }

  /** Replaces each value given as a {@link Supplier} with what it supplies. */
  void resolve() {
    for (int i = 0; i < size; i++) {
      if (values[i] instanceof Supplier<?> lazy) {
        values[i] = lazy.get();
      }
    }
  }

  private int indexOf(Object key) {
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Object get(Object key) {
    int at = indexOf(key);
    return at < 0 ? null : values[at];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int at = next++;
            return new AbstractMap.SimpleImmutableEntry<>(keys[at], values[at]);
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    for (int i = 0; i < size; i++) {
      action.accept(keys[i], values[i]);
    }
  }
}
