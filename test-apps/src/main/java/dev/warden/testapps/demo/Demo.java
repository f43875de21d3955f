package dev.warden.testapps.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.testapps.AppLauncher;
import dev.warden.testapps.AppRun;
import dev.warden.testapps.fakejira.EchoServer;
import dev.warden.testapps.fakejira.FakeJira;
import dev.warden.testapps.otlp.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The demo: a fake Jira, the sample application (which knows nothing of Warden) started with {@code
 * -javaagent:agent/target/warden-agent.jar}, and a table of what was allowed, denied, throttled and
 * audited. Run by {@code mvn -B -q -Pdemo package -DskipTests}.
 */
public final class Demo {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String POLICY =
      """
      # The demo policy: who may do what in Jira, and how fast.
      version: 1
      caller-skip: [com.acme.http.**]     # the team's HTTP wrapper: attribute calls to the code that uses it
      sites:
        - id: acme
          url: {jira}
          credential: acme-bot
      credentials:
        acme-bot:
          type: basic
          username: bot@acme.example
          password: ${env:JIRA_API_TOKEN}   # the application never sees it
      throttles:
        reports:
          capacity: 2
          refill: 1/10s
          max-wait: 200ms
      rules:
        - id: no-deletes
          effect: deny
          operations: [deleteIssue]
        - id: triage-writes
          effect: allow
          callers: com.acme.triage.**
          operations: [createIssue, getTransitions, doTransition, addComment]
          projects: [OPS, SUP]
        - id: reports-read
          effect: allow
          callers: com.acme.reports.**
          operations: [read:jira-work]
          throttle: reports
        - id: sync-reads
          effect: allow
          callers: com.acme.sync.**
          operations: [read:jira-work, read:jira-user, unscoped]
      """;

  private Demo() {}

  public static void main(String[] args) throws Exception {
    Path work =
        Files.createDirectories(Path.of(System.getProperty("warden.work.dir", "target/demo")));
    String token = "demo-" + UUID.randomUUID();
    try (EchoServer other = EchoServer.start();
        FakeJira jira =
            FakeJira.builder().basicUser("bot@acme.example", token).mediaHost(other.url()).start();
        OtlpReceiver otlp = OtlpReceiver.start()) {
      Path policy = work.resolve("policy.yaml");
      Files.writeString(policy, POLICY.replace("{jira}", jira.url().toString()));
      Path audit = work.resolve("audit.jsonl");
      Files.deleteIfExists(audit);
      List<Map<String, Object>> steps = steps(jira.url().toString(), other.url().toString());
      // Jira meets the transition with its per-issue write limit once: Warden waits as asked and
      // sends it again.
      jira.failNext(
          "POST",
          "/issue/OPS-1/transitions",
          429,
          Map.of("Retry-After", "1", "RateLimit-Reason", "jira-per-issue-on-write"),
          "{\"errorMessages\":[\"Rate limit exceeded.\"],\"errors\":{}}");
      Path stepsFile = work.resolve("steps.json");
      Files.writeString(stepsFile, JSON.writeValueAsString(steps));

      System.out.println();
      System.out.println("Warden demo");
      System.out.println(
          "  fake Jira       "
              + jira.url()
              + "   (accepts bot@acme.example with a generated API token)");
      System.out.println(
          "  application     com.acme.ScriptedJiraClient on java.net.http.HttpClient, no Jira credentials of its own");
      System.out.println(
          "  agent           -javaagent:"
              + AppLauncher.builtAgent()
              + "=policy="
              + policy
              + ",audit.file="
              + audit);
      System.out.println();

      AppRun run =
          new AppLauncher()
              .agent(AppLauncher.builtAgent())
              .agentArgument("policy", policy.toString())
              .agentArgument("audit.file", audit.toString())
              .env("JIRA_API_TOKEN", token)
              .env("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint().toString())
              .env("OTEL_SERVICE_NAME", "acme-jira-sync")
              .env("OTEL_BSP_SCHEDULE_DELAY", "100")
              .args("--client", "jdk", stepsFile.toString())
              .timeout(Duration.ofSeconds(120))
              .run();
      if (run.exitCode() != 0) {
        System.out.println("The application failed:\n" + run);
        System.exit(1);
      }
      otlp.await(s -> true, 1, Duration.ofSeconds(5));
      List<JsonNode> auditLines = new ArrayList<>();
      for (String line : Files.readAllLines(audit)) {
        auditLines.add(JSON.readTree(line));
      }
      new DemoReport(
              steps,
              run.steps(),
              auditLines,
              jira.journal().all(),
              other.journal().all(),
              otlp.spans().size())
          .print(System.out, token, run, audit);
      report(audit, work.resolve("report.html"));
    }
  }

  /** What a reviewer runs next: Warden's report of the audit file, and its page. */
  private static void report(Path audit, Path page) throws Exception {
    System.out.println();
    System.out.println(
        "The audit file, reported (java -jar agent/target/warden-agent.jar report "
            + audit
            + " --html "
            + page
            + "):");
    Process report =
        new ProcessBuilder(
                AppLauncher.java(),
                "-jar",
                AppLauncher.builtAgent().toString(),
                "report",
                audit.toString(),
                "--html",
                page.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(report.getInputStream().readAllBytes(), UTF_8);
    report.waitFor();
    printed.lines().forEach(line -> System.out.println("  " + line));
    System.out.println();
    System.out.println("Open " + page.toAbsolutePath() + " in a browser for the charts.");
  }

  private static List<Map<String, Object>> steps(String jira, String other) {
    List<Map<String, Object>> steps = new ArrayList<>();
    steps.add(step("sync", "GET", jira + "/rest/api/3/serverInfo", null, null));
    steps.add(step("sync", "GET", jira + "/rest/api/3/myself", null, null));
    steps.add(
        step("sync", "GET", jira + "/rest/api/2/issue/OPS-1", "Basic c3RhbGU6dG9rZW4=", null));
    steps.add(
        step(
            "triage",
            "POST",
            jira + "/rest/api/2/issue",
            null,
            "{\"fields\":{\"project\":{\"key\":\"OPS\"},\"summary\":\"Disk full again\",\"issuetype\":{\"name\":\"Task\"}}}"));
    steps.add(
        step(
            "triage",
            "POST",
            jira + "/rest/api/2/issue",
            null,
            "{\"fields\":{\"project\":{\"key\":\"HR\"},\"summary\":\"Salary review\",\"issuetype\":{\"name\":\"Task\"}}}"));
    steps.add(
        step(
            "triage",
            "POST",
            jira + "/rest/api/2/issue/OPS-1/transitions",
            null,
            "{\"transition\":{\"id\":\"21\"}}"));
    steps.add(step("sync", "DELETE", jira + "/rest/api/2/issue/OPS-2", null, null));
    for (int i = 0; i < 3; i++) {
      steps.add(
          step("reports", "GET", jira + "/rest/api/3/search/jql?jql=project%3DOPS", null, null));
    }
    steps.add(step("triage", "GET", jira + "/rest/api/2/project/OPS", null, null));
    steps.add(step("sync", "GET", other + "/status", "Bearer the-status-service-token", null));
    return steps;
  }

  private static Map<String, Object> step(
      String as, String method, String url, String authorization, String body) {
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("as", as);
    step.put("method", method);
    step.put("url", url);
    Map<String, String> headers = new LinkedHashMap<>();
    if (authorization != null) {
      headers.put("Authorization", authorization);
    }
    if (body != null) {
      headers.put("Content-Type", "application/json");
      step.put("body", body);
    }
    step.put("headers", headers);
    return step;
  }
}
