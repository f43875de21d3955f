package dev.warden.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {

  /** Equal but distinct objects. */
  private record Key(String name) {}

  @Test
  void findsByIdentityNotEquality() {
    WeakIdentityMap<String> map = new WeakIdentityMap<>();
    Key one = new Key("a");
    Key twin = new Key("a");
    map.put(one, "one");

    assertThat(map.get(one)).isEqualTo("one");
    assertThat(map.get(twin)).isNull();
    assertThat(map.remove(twin)).isNull();
    assertThat(map.remove(one)).isEqualTo("one");
    assertThat(map.get(one)).isNull();
    assertThat(map.get(null)).isNull();
  }

  @Test
  void entriesOfCollectedKeysAreDroppedAsOthersArePut() throws Exception {
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    for (int i = 0; i < 1_000; i++) {
      map.put(new Object(), i);
    }
    List<Object> kept = new ArrayList<>();
    for (int round = 0; round < 50 && map.size() > 100; round++) {
      System.gc();
      Thread.sleep(20);
      Object key = new Object();
      kept.add(key);
      map.put(key, -1);
    }
    assertThat(map.size()).isLessThanOrEqualTo(100);
    assertThat(kept).allSatisfy(key -> assertThat(map.get(key)).isEqualTo(-1));
  }
}
