package dev.warden.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HeadersTest {

  @Test
  void namesAreCaseInsensitiveSortedAndKeepTheirFirstSpelling() {
    Map<String, List<String>> client = new LinkedHashMap<>();
    client.put("X-Trace", List.of("t"));
    client.put("accept", List.of("application/json"));
    client.put("Content-Type", List.of("text/plain"));
    client.put("ACCEPT", List.of("text/html"));
    client.put(null, List.of("HTTP/1.1 200 OK"));
    client.put("Empty", List.of());

    Headers headers = Headers.of(client);

    assertThat(headers.names()).containsExactly("accept", "Content-Type", "X-Trace");
    assertThat(headers.all("Accept")).containsExactly("application/json", "text/html");
    assertThat(headers.first("content-type")).isEqualTo("text/plain");
    assertThat(headers.has("x-TRACE")).isTrue();
    assertThat(headers.has("Empty")).isFalse();
    assertThat(headers.first("Missing")).isNull();
    assertThat(headers.all("Missing")).isEmpty();
    assertThat(headers.names().contains("CONTENT-TYPE")).isTrue();
  }

  @Test
  void editsLeaveTheOriginalAsItWas() {
    Headers original = Headers.of("Authorization", "Bearer app", "Accept", "*/*");

    Headers replaced = original.with("authorization", "Basic site");
    Headers added = original.with("X-Added", List.of("1", "2"));
    Headers removed = original.without("AUTHORIZATION");
    Headers emptied = original.with("Accept", List.of());

    assertThat(original.first("Authorization")).isEqualTo("Bearer app");
    assertThat(replaced.names()).containsExactly("Accept", "authorization");
    assertThat(replaced.first("Authorization")).isEqualTo("Basic site");
    assertThat(added.names()).containsExactly("Accept", "Authorization", "X-Added");
    assertThat(added.all("x-added")).containsExactly("1", "2");
    assertThat(removed.names()).containsExactly("Accept");
    assertThat(emptied.names()).containsExactly("Authorization");
    assertThat(original.without("Missing")).isSameAs(original);
  }

  @Test
  void theMapViewIsReadOnlyAndReadsNamesInAnyCase() {
    Headers headers = Headers.of(3, i -> List.of("b", "A", "b").get(i), i -> "v" + i);
    Map<String, List<String>> map = headers.map();

    assertThat(map).hasSize(2);
    assertThat(map.get("B")).containsExactly("v0", "v2");
    assertThat(map.containsKey("a")).isTrue();
    assertThat(new ArrayList<>(map.keySet())).containsExactly("A", "b");
    assertThatThrownBy(() -> map.put("c", List.of("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> headers.all("b").add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void anyOrderOfFieldsReadsAsACaseInsensitiveTreeWould() {
    Random random = new Random(12);
    String[] pool = {"accept", "Accept", "B", "b-2", "Content-Length", "x", "X", "z", "a", "AA"};
    for (int round = 0; round < 500; round++) {
      int size = random.nextInt(12);
      String[] namesAndValues = new String[size * 2];
      TreeMap<String, List<String>> expected = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 0; i < size; i++) {
        String name = pool[random.nextInt(pool.length)];
        namesAndValues[2 * i] = name;
        namesAndValues[2 * i + 1] = "v" + i;
        expected.computeIfAbsent(name, k -> new ArrayList<>()).add("v" + i);
      }
      Headers headers = Headers.of(namesAndValues);
      assertThat(new ArrayList<>(headers.names()))
          .as(Arrays.toString(namesAndValues))
          .isEqualTo(new ArrayList<>(expected.keySet()));
      assertThat(new HashMap<>(headers.map())).isEqualTo(new HashMap<>(expected));
    }
  }
}
