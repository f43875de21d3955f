package dev.warden.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.bootstrap.Answer;
import org.junit.jupiter.api.Test;

class AnswersTest {

  @Test
  void denialIsJiraShaped() {
    Answer a = Answers.denied("DELETE", "/rest/api/2/issue/OPS-1", "deleteIssue", "no-deletes");
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.headers().map())
        .containsEntry("Content-Type", java.util.List.of("application/json"))
        .containsEntry("X-Warden-Decision", java.util.List.of("deny"))
        .containsEntry("X-Warden-Rule", java.util.List.of("no-deletes"));
    assertThat(a.bodyText())
        .isEqualTo(
            "{\"errorMessages\":[\"warden: DELETE /rest/api/2/issue/OPS-1 (deleteIssue) denied by rule no-deletes\"],\"errors\":{}}");
    assertThat(a.message())
        .isEqualTo(
            "warden: DELETE /rest/api/2/issue/OPS-1 (deleteIssue) denied by rule no-deletes");
  }

  @Test
  void messagesAreEscapedAsJson() {
    assertThat(Answers.unavailable("file \"x\\y\" is bad", 1).bodyText())
        .isEqualTo("{\"errorMessages\":[\"warden: file \\\"x\\\\y\\\" is bad\"],\"errors\":{}}");
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
    assertThat(Answers.retryAfterSeconds(0)).isEqualTo(1);
    assertThat(Answers.retryAfterSeconds(1)).isEqualTo(1);
    assertThat(Answers.retryAfterSeconds(1_000_000_000L)).isEqualTo(1);
    assertThat(Answers.retryAfterSeconds(1_000_000_001L)).isEqualTo(2);
    Answer throttled = Answers.throttled("GET", "/p", "getIssue", "t", 2_500_000_000L);
    assertThat(throttled.headers().first("Retry-After")).isEqualTo("3");
    assertThat(throttled.headers().first("X-Warden-Throttle")).isEqualTo("t");
  }
}
