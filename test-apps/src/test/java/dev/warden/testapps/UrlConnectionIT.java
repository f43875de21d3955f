package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.create;
import static dev.warden.testapps.Steps.with;
import static dev.warden.testapps.Steps.withBody;
import static dev.warden.testapps.Steps.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client scenarios on HttpURLConnection, and how it writes bodies and reads responses. */
class UrlConnectionIT extends ClientScenarios {

  @Override
  String client() {
    return "urlconnection";
  }

  private static Map<String, Object> createOps(
      String summary, String streaming, boolean statusFirst) {
    Map<String, Object> step =
        withBody(
            withHeader(
                call("triage", "POST", "{jira}/rest/api/2/issue"),
                "Content-Type",
                "application/json"),
            create("OPS", summary));
    if (streaming != null) {
      with(step, "streaming", streaming);
    }
    return with(step, "statusFirst", statusFirst);
  }

  @Test
  void bodiesWrittenToTheOutputStreamAreClassifiedAndSentWhateverTheStreamingMode()
      throws Exception {
    AppRun run =
        run(
            List.of(
                createOps("buffered", null, true),
                createOps("fixed-length", "fixed", true),
                createOps("chunked", "chunked", true),
                createOps("stream-first", "fixed", false)));

    for (int step = 1; step <= 4; step++) {
      assertThat(run.step(step).path("status").asInt()).as("step " + step).isEqualTo(201);
    }
    assertThat(jiraReceived("POST", "/rest/api/2/issue"))
        .extracting(r -> r.body())
        .containsExactly(
            create("OPS", "buffered"),
            create("OPS", "fixed-length"),
            create("OPS", "chunked"),
            create("OPS", "stream-first"));
  }

  @Test
  void aDenialReadsLikeAnyErrorResponseWhicheverIsReadFirst() throws Exception {
    Map<String, Object> denied =
        withBody(call("triage", "POST", "{jira}/rest/api/2/issue"), create("HR", "nope"));
    AppRun run = run(List.of(with(denied, "statusFirst", false)));

    assertThat(run.step(1).path("status").asInt()).isEqualTo(403);
    assertThat(run.step(1).path("body").asText()).contains("denied by rule default-deny");
    assertThat(run.step(1).path("headers").path("x-warden-decision").asText()).isEqualTo("deny");
    assertThat(harness.jira.journal().all()).isEmpty();
  }
}
