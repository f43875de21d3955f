package dev.warden.testapps;

import static dev.warden.testapps.Steps.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An application with its own, older Jackson and OpenTelemetry API runs as it does without Warden.
 */
class IsolationIT {

  @RegisterExtension static final Harness harness = new Harness();

  @Test
  void applicationsOwnJacksonAndOpenTelemetryAreUntouched() throws Exception {
    Path policy = harness.policy(PolicyLifecycleIT.VALID);
    Path steps = harness.steps(List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")));
    AppRun with = harness.app(policy, "jdk").args("--versions", steps.toString()).run();
    AppRun without =
        new AppLauncher().args("--client", "jdk", "--versions", steps.toString()).run();

    JsonNode versions = with.versions();
    assertThat(versions.path("jackson").asText()).startsWith("2.12.7");
    assertThat(versions.path("jacksonJar").asText()).isEqualTo("jackson-databind-2.12.7.2.jar");
    assertThat(versions.path("otelJar").asText()).isEqualTo("opentelemetry-api-1.30.0.jar");
    assertThat(versions.path("otelWorks").asBoolean()).isTrue();
    assertThat(versions).isEqualTo(without.versions());
    assertThat(with.step(1).path("status").asInt()).isEqualTo(200);
    assertThat(without.step(1).path("status").asInt()).isEqualTo(401);
    assertThat(with.stderr())
        .noneSatisfy(l -> assertThat(l).containsAnyOf("Exception", "LinkageError", "NoSuchMethod"));
  }
}
