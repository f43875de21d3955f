package dev.warden.agent.hook;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map from objects (by identity, weakly held) to values: a client's call objects to
 * what Warden knows of them. Lookups take no lock; entries whose key was collected are dropped as
 * others are put.
 *
 * @param <V> the value type
 */
public final class WeakIdentityMap<V> {

  private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

  public void put(Object key, V value) {
    expunge();
    map.put(new WeakKey(key, collected), value);
  }

  public V get(Object key) {
    return key == null || map.isEmpty() ? null : map.get(new Lookup(key));
  }

  public V remove(Object key) {
    return key == null || map.isEmpty() ? null : map.remove(new Lookup(key));
  }

  /** How many entries are held (collected keys not yet dropped included). */
  public int size() {
    return map.size();
  }

  private void expunge() {
    java.lang.ref.Reference<?> gone;
    while ((gone = collected.poll()) != null) {
      map.remove(gone);
    }
  }

  /** The stored key: equal to a {@link Lookup} or another key of the same live object. */
  private static final class WeakKey extends WeakReference<Object> {
    private final int hash;

    WeakKey(Object key, ReferenceQueue<Object> queue) {
      super(key, queue);
      this.hash = System.identityHashCode(key);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (this == other) {
        return true;
      }
      Object mine = get();
      if (mine == null) {
        return false;
      }
      if (other instanceof WeakKey key) {
        return mine == key.get();
      }
      return other instanceof Lookup lookup && mine == lookup.key;
    }
  }

  /** A key to look up with, strongly held for the lookup only. */
  private static final class Lookup {
    private final Object key;
    private final int hash;

    Lookup(Object key) {
      this.key = key;
      this.hash = System.identityHashCode(key);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (other instanceof WeakKey weak) {
        return weak.get() == key;
      }
      return other instanceof Lookup lookup && lookup.key == key;
    }
  }
}
