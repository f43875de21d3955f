package dev.warden.agent.cli.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditFile;
import dev.warden.agent.audit.AuditRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  static final long HOUR_NANOS = 3_600_000_000_000L;
  static final long T0 = 1_700_000_000_000_000_000L;

  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int report(String... args) {
    return new Report(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8))
        .run(args);
  }

  static AuditRecord.Builder call(
      long start, String decision, String operation, String rule, String caller, long status) {
    return AuditRecord.builder("GET", start)
        .route("/rest/api/2/issue/{issueIdOrKey}")
        .put(AuditAttributes.HTTP_RESPONSE_STATUS_CODE, status)
        .put(AuditAttributes.JIRA_SITE, "acme")
        .put(AuditAttributes.JIRA_OPERATION, operation)
        .put(AuditAttributes.WARDEN_DECISION, decision)
        .put(AuditAttributes.WARDEN_RULE, rule)
        .put(AuditAttributes.WARDEN_CALLER, caller);
  }

  static String line(AuditRecord.Builder builder, long endNanos) {
    return AuditFile.line(builder.end(endNanos), new String[] {"t", "s", null});
  }

  /** An hour of a sync job's audit, the older half rotated, one line that is no record. */
  Path audit() throws Exception {
    List<String> older = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long start = T0 + i * 1_000_000_000L;
      older.add(
          line(
              call(start, "allow", "getIssue", "reads", "com.acme.Sync.pull", 200),
              start + (i + 1) * 10_000_000L));
    }
    older.add("not json at all");
    List<String> newer = new ArrayList<>();
    long later = T0 + HOUR_NANOS;
    for (int i = 0; i < 2; i++) {
      newer.add(
          line(
              call(later + i, "deny", "deleteIssue", "no-deletes", "com.acme.Bot.clean", 403),
              later + i + 1_000_000));
    }
    newer.add(
        line(
            call(later, "throttled", "getIssue", "reports", "com.acme.Report.weekly", 429)
                .put(AuditAttributes.WARDEN_THROTTLE, "slow")
                .put(AuditAttributes.WARDEN_THROTTLE_WAIT_MS, 250L),
            later + 300_000_000));
    newer.add(
        line(
            call(later, "allow", "createIssue", "creates", "com.acme.Sync.push", 201)
                .event(
                    new AuditRecord.Event(
                        "warden.retry",
                        later + 1,
                        Map.of(
                            AuditAttributes.HTTP_RESPONSE_STATUS_CODE,
                            429L,
                            AuditAttributes.JIRA_RATE_LIMIT_REASON,
                            "jira-burst-based")))
                .put(AuditAttributes.JIRA_RATE_LIMIT_REASON, "jira-burst-based"),
            later + 1_500_000_000L));
    newer.add(
        line(
            call(later, "allow", "getIssue", "reads", "com.acme.Sync.pull", 429)
                .put(AuditAttributes.JIRA_RATE_LIMIT_REASON, "jira-quota-tenant-based"),
            later + 5_000_000));
    Path file = dir.resolve("audit.jsonl");
    Files.write(dir.resolve("audit.jsonl.1"), older, UTF_8);
    Files.write(file, newer, UTF_8);
    return file;
  }

  @Test
  void tablesSayWhatHappenedAcrossRotationsReadingAFileNamedTwiceOnce() throws Exception {
    Path file = audit();

    int status = report(file.toString(), file.toString(), dir.resolve("audit.jsonl.1").toString());

    String text = out.toString(UTF_8);
    assertThat(status).as(err.toString(UTF_8)).isZero();
    assertThat(text)
        .contains("files: 2 (audit.jsonl.1, audit.jsonl)")
        .contains("records: 8, from 2023-11-14T22:13:20Z to 2023-11-14T23:13:20Z")
        .contains("lines that are not audit records: 1 (the first at ")
        .contains("audit.jsonl.1:4)");
    assertThat(text)
        .containsPattern("(?m)^  allow\\s+5\\s+62\\.5%$")
        .containsPattern("(?m)^  deny\\s+2\\s+25\\.0%$")
        .containsPattern("(?m)^  throttled\\s+1\\s+12\\.5%$");
    assertThat(text).containsPattern("(?m)^  acme\\s+8\\s+5\\s+2\\s+1\\s+0$");
    // getIssue: 10, 20, 30, 300 (throttled) and 5 ms.
    assertThat(text).containsPattern("(?m)^  getIssue\\s+5\\s+0\\s+1\\s+2\\d\\.\\d\\s+");
    assertThat(text)
        .containsPattern("(?m)^  no-deletes\\s+com\\.acme\\.Bot\\.clean\\s+2$")
        .containsPattern("(?m)^  reports\\s+com\\.acme\\.Report\\.weekly\\s+1$")
        .containsPattern("(?m)^  jira-burst-based\\s+1$")
        .containsPattern("(?m)^  jira-quota-tenant-based\\s+1$")
        .containsPattern("(?m)^\\s+1\\s+250\\s+250\\s+250\\s+250$");
    assertThat(text).containsPattern("(?m)^  com\\.acme\\.Sync\\.pull\\s+4\\s+4\\s+0\\s+0$");
  }

  @Test
  void sinceCountsBackFromTheNewestRecord() throws Exception {
    Path file = audit();

    assertThat(report(file.toString(), "--since", "30m")).isZero();

    assertThat(out.toString(UTF_8))
        .contains("records: 5, from 2023-11-14T23:13:20Z")
        .contains("(the last 30m)")
        .doesNotContainPattern("(?m)^  allow\\s+5");
  }

  @Test
  void aMissingFileIsExit1AndBadUsageExit2() throws Exception {
    assertThat(report(dir.resolve("nowhere.jsonl").toString())).isEqualTo(1);
    assertThat(err.toString(UTF_8)).contains("no audit file").contains("nowhere.jsonl");
    err.reset();
    assertThat(report()).isEqualTo(2);
    assertThat(report(audit().toString(), "--since", "soon")).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("--since is 'soon'");
    assertThat(report(audit().toString(), "--bogus")).isEqualTo(2);
    assertThat(report(audit().toString(), "--html")).isEqualTo(2);
  }

  @Test
  void latenciesArePercentilesWithinTwoPercent() {
    Latencies latencies = new Latencies();
    for (int i = 1; i <= 1000; i++) {
      latencies.add(i);
    }
    assertThat(latencies.quantile(0.5)).isBetween(500.0, 510.0);
    assertThat(latencies.quantile(0.99)).isBetween(990.0, 1000.0);
    assertThat(latencies.quantile(1.0)).isEqualTo(1000.0);
    assertThat(latencies.max()).isEqualTo(1000.0);
  }

  @Test
  void thePageHoldsTheTablesAndEachChartsDataAndLoadsNothing() throws Exception {
    Path page = dir.resolve("out/report.html");

    assertThat(report(audit().toString(), "--html", page.toString())).isZero();

    String html = Files.readString(page);
    assertThat(out.toString(UTF_8)).contains("Page: " + page);
    assertThat(html)
        .startsWith("<!doctype html>")
        .contains("<title>Warden audit report</title>")
        .contains("uPlot")
        .contains("<h2>Denials by rule and caller (deny and would-deny)</h2>")
        .contains("<td>no-deletes</td><td>com.acme.Bot.clean</td><td class=\"n\">2</td>")
        .contains("<td class=\"bar\"><span style=\"width:240px\"></span></td>");
    for (String[] chart : HtmlPage.CHARTS) {
      assertThat(html).contains("<div id=\"" + chart[0] + "\"></div>");
    }
    // Self-contained: no script, style or image comes from anywhere.
    assertThat(html)
        .doesNotContainPattern("<script[^>]+src=")
        .doesNotContainPattern("<link[^>]+href=");
    assertThat(html).doesNotContain("<img");
    String json =
        html.substring(
            html.indexOf("id=\"warden-data\">") + "id=\"warden-data\">".length(),
            html.indexOf("</script>", html.indexOf("id=\"warden-data\">")));
    com.fasterxml.jackson.databind.JsonNode data =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.replace("<\\/", "</"));
    // An hour and a few seconds in one-minute points.
    assertThat(data.path("times")).hasSize(61);
    assertThat(data.path("times").get(1).asLong() - data.path("times").get(0).asLong())
        .isEqualTo(60);
    long allowed = 0;
    for (com.fasterxml.jackson.databind.JsonNode n : data.path("decisions").path("allow")) {
      allowed += n.asLong();
    }
    assertThat(allowed).isEqualTo(5);
    assertThat(data.path("decisions").has("deny")).isTrue();
    assertThat(data.path("decisions").has("unavailable")).as("none of them").isFalse();
    assertThat(data.path("limited").path("jira-burst-based").get(60).asLong()).isEqualTo(1);
    assertThat(data.path("waits").path("max").get(60).asDouble()).isEqualTo(250.0);
    assertThat(data.path("latency").has("getIssue")).isTrue();
    assertThat(data.path("latency").path("getIssue").get(0).asDouble())
        .as("the mean of 10, 20 and 30 ms")
        .isEqualTo(20.0);
  }
}
