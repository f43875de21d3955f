package dev.warden.testapps;

import static dev.warden.testapps.Steps.awaitFile;
import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.touchFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A broken, missing, fixed and changed policy file, end to end. */
class PolicyLifecycleIT {

  static final String VALID =
      """
      version: 1
      sites:
        - {id: jira, url: '{jira}', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      rules:
        - {id: reads, effect: allow, operations: [read:jira-work]}
      """;

  @RegisterExtension static final Harness harness = new Harness();

  @Test
  void brokenPolicyRefusesJiraWith503AndOneClearLogLineWhileTheApplicationRuns() throws Exception {
    Path policy = harness.policy(VALID.replace("rules:", "rulez:"));
    AppRun run =
        harness
            .app(policy, "jdk")
            .args(
                harness
                    .steps(
                        List.of(
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                            call("sync", "GET", "{echo}/health")))
                    .toString())
            .run();

    assertThat(run.exitCode()).isZero();
    JsonNode refused = run.step(1);
    assertThat(refused.path("status").asInt()).isEqualTo(503);
    assertThat(refused.path("headers").path("x-warden-decision").asText()).isEqualTo("unavailable");
    assertThat(refused.path("headers").path("retry-after").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(refused.path("body").asText())
        .contains("warden: policy " + policy + " is not usable")
        .contains("unknown key 'rulez'");
    assertThat(run.step(2).path("status").asInt()).isEqualTo(200);
    assertThat(harness.jira.journal().all()).isEmpty();
    assertThat(run.wardenLog().stream().filter(l -> l.startsWith("[warden] error:")).toList())
        .singleElement()
        .asString()
        .contains(policy.toString())
        .contains("unknown key 'rulez'")
        .contains("refused with 503");
    assertThat(harness.spans(s -> true, 1))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.attributes())
                    .containsEntry("warden.decision", "unavailable")
                    .containsEntry("http.response.status_code", 503L));
  }

  @Test
  void unreadableSiteUrlsMeanNothingIsInterceptedAndSaid() throws Exception {
    Path policy = harness.policy("version: 1\nsites: [{id: jira, url: 'not a url'}]\n");
    AppRun run =
        harness
            .app(policy, "jdk")
            .args(
                harness
                    .steps(List.of(call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
                    .toString())
            .run();

    assertThat(run.step(1).path("status").asInt()).isEqualTo(401);
    assertThat(run.wardenLog())
        .anySatisfy(l -> assertThat(l).contains("Warden intercepts nothing until it is fixed"));
  }

  @Test
  void missingPolicyThatAppearsLaterIsLoaded() throws Exception {
    Path policy = harness.dir.resolve("appears-later.yaml");
    Path done = harness.dir.resolve("missing-step1-done");
    Path go = harness.dir.resolve("missing-go");
    AppLauncher.Running app =
        harness
            .app(policy, "jdk")
            .args(
                harness
                    .steps(
                        List.of(
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1"),
                            touchFile(done.toString()),
                            awaitFile(go.toString()),
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
                    .toString())
            .start();
    awaitExists(done);
    harness.write(policy, VALID);
    Thread.sleep(2500);
    Files.createFile(go);
    AppRun run = app.await();

    assertThat(run.step(1).path("status").asInt()).isEqualTo(401);
    assertThat(run.step(4).path("status").asInt()).isEqualTo(200);
    assertThat(run.wardenLog())
        .anySatisfy(l -> assertThat(l).contains("the policy file does not exist"));
    assertThat(run.wardenLog())
        .anySatisfy(l -> assertThat(l).contains("policy " + policy + " reloaded"));
  }

  @Test
  void changedPolicyTakesEffectAndAnInvalidChangeKeepsThePolicyInForce() throws Exception {
    Path policy = harness.policy(VALID);
    Path[] done = {harness.dir.resolve("reload-1"), harness.dir.resolve("reload-2")};
    Path[] go = {harness.dir.resolve("reload-go-1"), harness.dir.resolve("reload-go-2")};
    AppLauncher.Running app =
        harness
            .app(policy, "jdk")
            .args(
                harness
                    .steps(
                        List.of(
                            call("sync", "DELETE", "{jira}/rest/api/2/issue/OPS-2"),
                            touchFile(done[0].toString()),
                            awaitFile(go[0].toString()),
                            call("sync", "DELETE", "{jira}/rest/api/2/issue/OPS-2"),
                            touchFile(done[1].toString()),
                            awaitFile(go[1].toString()),
                            call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1")))
                    .toString())
            .start();
    awaitExists(done[0]);
    harness.write(policy, VALID.replace("[read:jira-work]", "[read:jira-work, deleteIssue]"));
    Thread.sleep(2500);
    Files.createFile(go[0]);
    awaitExists(done[1]);
    harness.write(
        policy,
        VALID
            .replace("effect: allow", "effect: permit")
            .replace("read:jira-work", "read:jira-wrok"));
    Thread.sleep(2500);
    Files.createFile(go[1]);
    AppRun run = app.await();

    assertThat(run.step(1).path("status").asInt()).isEqualTo(403);
    assertThat(run.step(4).path("status").asInt()).isEqualTo(204);
    // The invalid change was reported, a line per problem as check prints them, and the last valid
    // policy stayed.
    assertThat(run.step(7).path("status").asInt()).isEqualTo(200);
    assertThat(run.wardenLog())
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("changed but is invalid; the policy in force stays in force"));
    assertThat(run.wardenLog())
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "\\[warden] error: "
                            + java.util.regex.Pattern.quote(policy.toString())
                            + ":\\d+:\\d+: 'effect' of rule 'reads' must be allow or deny; found 'permit'"));
    assertThat(run.wardenLog())
        .anySatisfy(l -> assertThat(l).contains("unknown operation 'read:jira-wrok'"));
  }

  private static void awaitExists(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the application never reached " + file);
      }
      Thread.sleep(50);
    }
  }
}
