package dev.warden.testapps.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.testapps.AppRun;
import dev.warden.testapps.fakejira.Received;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's table: each call, what the application saw, what Warden decided, what Jira received.
 */
final class DemoReport {

  private static final Map<String, String> CALLERS =
      Map.of(
          "sync",
          "com.acme.sync.IssueSync",
          "triage",
          "com.acme.triage.TriageBot",
          "reports",
          "com.acme.reports.WeeklyReport");

  private final List<Map<String, Object>> steps;
  private final List<JsonNode> results;
  private final List<JsonNode> audit;
  private final List<Received> jira;
  private final List<Received> other;
  private final int spans;

  DemoReport(
      List<Map<String, Object>> steps,
      List<JsonNode> results,
      List<JsonNode> audit,
      List<Received> jira,
      List<Received> other,
      int spans) {
    this.steps = steps;
    this.results = results;
    this.audit = audit;
    this.jira = new ArrayList<>(jira);
    this.other = other;
    this.spans = spans;
  }

  void print(PrintStream out, String token, AppRun run, Path auditFile) throws Exception {
    String format = "%-3s %-30s %-46s %-4s %-10s %-14s %s%n";
    out.printf(format, "#", "caller", "request", "saw", "decision", "rule", "Jira received");
    out.printf(
        format,
        "--",
        "-".repeat(30),
        "-".repeat(46),
        "---",
        "-".repeat(10),
        "-".repeat(14),
        "-".repeat(34));
    Map<String, Integer> decisions = new TreeMap<>();
    int auditIndex = 0;
    for (int i = 0; i < steps.size(); i++) {
      Map<String, Object> step = steps.get(i);
      JsonNode result = results.get(i);
      URI uri = URI.create((String) step.get("url"));
      String request = step.get("method") + " " + uri.getRawPath();
      String caller = CALLERS.get((String) step.get("as"));
      if (uri.getPort() != URI.create(jiraBase()).getPort()) {
        Received got = other.isEmpty() ? null : other.get(0);
        out.printf(
            format,
            i + 1,
            caller,
            step.get("method") + " " + uri,
            result.path("status").asInt(),
            "-",
            "-",
            "not Jira: untouched, not audited"
                + (got == null
                    ? ""
                    : "; that host got the app's own '" + got.header("Authorization") + "'"));
        continue;
      }
      JsonNode record =
          auditIndex < audit.size() ? audit.get(auditIndex++).path("attributes") : null;
      String decision = record == null ? "?" : record.path("warden.decision").asText();
      decisions.merge(decision, 1, Integer::sum);
      caller =
          record == null
              ? caller
              : record.path("warden.caller").asText().replaceFirst("\\.call$", "");
      Received received = take(step);
      long resends = record == null ? 0 : record.path("http.request.resend_count").asLong(0);
      for (long n = 0; n < resends; n++) {
        take(step);
      }
      String receivedText =
          received == null
              ? "nothing: never sent"
              : "yes, as "
                  + received.principal().replace("basic:", "")
                  + (step.get("headers") instanceof Map<?, ?> h && h.containsKey("Authorization")
                      ? " (app's own header replaced)"
                      : "")
                  + (resends > 0 ? " (Jira said 429; Warden retried " + resends + "x)" : "");
      out.printf(
          format,
          i + 1,
          caller,
          request,
          result.path("status").asInt(),
          decision,
          record == null ? "?" : record.path("warden.rule").asText(),
          receivedText);
    }
    out.println();
    out.println(
        "Audit: "
            + audit.size()
            + " records in "
            + auditFile
            + ", "
            + spans
            + " spans received over OTLP (service acme-jira-sync).");
    out.println("Decisions: " + decisions);
    boolean leaked = run.all().contains(token) || Files.readString(auditFile).contains(token);
    out.println(
        "The API token appears in "
            + (leaked ? "SOME OUTPUT: this is a bug" : "no output, log line or audit record")
            + ".");
    out.println();
    out.println("A denial, as the application received it (step 7):");
    out.println(
        "  HTTP "
            + results.get(6).path("status").asInt()
            + " "
            + results.get(6).path("headers")
            + " "
            + results.get(6).path("body").asText());
    out.println("A throttled call (step 10):");
    out.println(
        "  HTTP " + results.get(9).path("status").asInt() + " " + results.get(9).path("headers"));
    JsonNode retried =
        audit.stream()
            .map(r -> r.path("attributes"))
            .filter(a -> a.has("http.request.resend_count"))
            .findFirst()
            .orElse(null);
    if (retried != null) {
      out.println(
          "Jira's own 429 (step 6): Jira asked to wait (Retry-After: 1, RateLimit-Reason: jira-per-issue-on-write); Warden paused writes");
      out.println(
          "  to that issue, sent the request again "
              + retried.path("http.request.resend_count").asLong()
              + " time(s) and the application saw HTTP "
              + retried.path("http.response.status_code").asLong()
              + ", never the 429.");
    }
    out.println();
    out.println("Warden's log (stderr of the application):");
    run.wardenLog().forEach(line -> out.println("  " + line));
  }

  private String jiraBase() {
    return (String) steps.get(0).get("url");
  }

  /** The journal entry for a step, in order; {@code null} when Jira never received it. */
  private Received take(Map<String, Object> step) {
    URI uri = URI.create((String) step.get("url"));
    for (int i = 0; i < jira.size(); i++) {
      Received r = jira.get(i);
      if (r.method().equals(step.get("method")) && r.path().equals(uri.getRawPath())) {
        return jira.remove(i);
      }
    }
    return null;
  }
}
