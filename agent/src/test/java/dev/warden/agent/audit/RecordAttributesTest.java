package dev.warden.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordAttributesTest {

  static Map<String, Object> values() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("url.template", "/rest/api/3/issue/{issueIdOrKey}");
    values.put("server.port", 443L);
    values.put("warden.retries", 2);
    values.put("warden.coalesced", true);
    values.put("jira.scope", List.of("read:jira-work", "write:jira-work"));
    values.put("jira.ids", List.of(10001L, 10002L));
    values.put("warden.rule", null);
    values.put("jira.operation", new StringBuilder("getIssue"));
    return values;
  }

  @Test
  void readsAsTheSdksOwnAttributesWouldInTheRecordsOrder() {
    Attributes mine = RecordAttributes.of(values());
    Attributes sdk =
        Attributes.builder()
            .put("url.template", "/rest/api/3/issue/{issueIdOrKey}")
            .put("server.port", 443L)
            .put("warden.retries", 2L)
            .put("warden.coalesced", true)
            .put("jira.scope", "read:jira-work", "write:jira-work")
            .put("jira.ids", "10001", "10002")
            .put("jira.operation", "getIssue")
            .build();

    assertThat(mine.size()).isEqualTo(7);
    assertThat(mine.isEmpty()).isFalse();
    assertThat(mine.asMap()).isEqualTo(sdk.asMap());
    assertThat(mine.toBuilder().build()).isEqualTo(sdk);
    // Symmetric: the SDK's equals knows only its own class, so neither is equal to the other.
    assertThat(mine).isNotEqualTo(sdk);
    assertThat(sdk).isNotEqualTo(mine);
    assertThat(mine)
        .isEqualTo(RecordAttributes.of(values()))
        .hasSameHashCodeAs(RecordAttributes.of(values()));
    // A key made elsewhere, equal but not the same object, finds its value; another type does not.
    assertThat(mine.get(AttributeKey.longKey("server.port"))).isEqualTo(443L);
    assertThat(mine.get(AttributeKey.longKey("warden.retries"))).isEqualTo(2L);
    assertThat(mine.get(AttributeKey.stringKey("server.port"))).isNull();
    assertThat(mine.get(AttributeKey.stringKey("warden.rule"))).isNull();
    assertThat(mine.get(AttributeKey.stringArrayKey("jira.ids"))).containsExactly("10001", "10002");
    Object none = mine.get(null);
    assertThat(none).isNull();
    List<String> names = new ArrayList<>();
    mine.forEach((key, value) -> names.add(key.getKey()));
    assertThat(names)
        .containsExactly(
            "url.template",
            "server.port",
            "warden.retries",
            "warden.coalesced",
            "jira.scope",
            "jira.ids",
            "jira.operation");
  }

  @Test
  void noAttributesIsEmpty() {
    Attributes none = RecordAttributes.of(Map.of());
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.size()).isZero();
    assertThat(none.asMap()).isEqualTo(Attributes.empty().asMap());
  }

  @Test
  void aListIsCopiedSoNeitherSideCanChangeTheOther() {
    List<String> scopes = new ArrayList<>(List.of("read:jira-work"));
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("jira.scope", scopes);
    List<String> read = RecordAttributes.of(values).get(AttributeKey.stringArrayKey("jira.scope"));
    scopes.add("write:jira-work");
    assertThat(read).containsExactly("read:jira-work");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> read.add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
