package dev.warden.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AttributeListTest {

  @Test
  void readsAsAnInsertionOrderedMapWouldAfterAnySetsAndUnsets() {
    Random random = new Random(7);
    String[] keys = new String[40];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "key." + i;
    }
    for (int round = 0; round < 200; round++) {
      AttributeList list = new AttributeList(4);
      Map<String, Object> expected = new LinkedHashMap<>();
      for (int step = 0; step < 80; step++) {
        // A key equal to a constant but not the same instance is found too.
        String key =
            random.nextBoolean() ? keys[random.nextInt(40)] : new String(keys[random.nextInt(40)]);
        if (random.nextInt(4) == 0) {
          list.unset(key);
          expected.remove(key);
        } else {
          list.set(key, (long) step);
          expected.put(key, (long) step);
        }
      }
      assertThat(new ArrayList<>(list.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
      assertThat(list).hasSize(expected.size());
      List<String> seen = new ArrayList<>();
      list.forEach((k, v) -> seen.add(k));
      assertThat(seen).containsExactlyElementsOf(expected.keySet());
    }
  }

  @Test
  void suppliersResolveOnceAndTheMapCannotBeChanged() {
    AttributeList list = new AttributeList(2);
    int[] calls = {0};
    Supplier<String> method = () -> "com.acme.Bot.sync" + (++calls[0]);
    list.set("code.function", method);
    list.set("jira.project", "ABC");

    list.resolve();
    list.resolve();

    assertThat(list.get("code.function")).isEqualTo("com.acme.Bot.sync1");
    assertThat(list.get("missing")).isNull();
    assertThatThrownBy(() -> list.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }
}
