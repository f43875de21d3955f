package dev.warden.agent.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * report's {@code --html} page: one self-contained file (uPlot, its style and the data inlined; it
 * loads nothing from the network) with the terminal's tables and charts over time of decisions,
 * Jira's 429s by reason, throttle waits and latency per operation.
 */
final class HtmlPage {

  private static final JsonFactory JSON = new JsonFactory();

  /** How many operations the latency chart follows (the busiest). */
  static final int LATENCY_OPERATIONS = 6;

  private HtmlPage() {}

  static String render(AuditLines lines, ReportData data, String since) {
    StringBuilder html = new StringBuilder(128 * 1024);
    html.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Warden audit report</title>\n<style>\n")
        .append(resource("dist/uPlot.min.css"))
        .append('\n')
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n<h1>Warden audit report</h1>\n<p class=\"summary\">");
    html.append(escape(data.records + " records"));
    if (data.records > 0) {
      html.append(
          escape(
              ", from "
                  + Instant.ofEpochMilli(data.firstMillis)
                  + " to "
                  + Instant.ofEpochMilli(data.lastMillis)
                  + (since != null ? " (the last " + since + ")" : "")));
    }
    html.append(escape(", in " + lines.files().size() + " files: "));
    html.append(
        escape(
            String.join(
                ", ", lines.files().stream().map(p -> p.getFileName().toString()).toList())));
    if (lines.malformed() > 0) {
      html.append(
          escape(
              ". Lines that are not audit records: "
                  + lines.malformed()
                  + " (the first at "
                  + lines.firstMalformed()
                  + ")"));
    }
    html.append(".</p>\n");
    if (data.timeline != null && !data.timeline.slots.isEmpty()) {
      html.append("<h2>Over time</h2>\n<p class=\"note\">Each point is ")
          .append(escape(width(data.timeline.widthMillis)))
          .append(" (UTC).</p>\n");
      for (String[] chart : CHARTS) {
        html.append("<section class=\"chart\"><h3>")
            .append(escape(chart[1]))
            .append("</h3><div id=\"")
            .append(chart[0])
            .append("\"></div></section>\n");
      }
    }
    for (Report.Table table : Report.tables(data)) {
      html.append(table.html());
    }
    html.append("<script>\n")
        .append(resource("dist/uPlot.iife.min.js"))
        .append("\n</script>\n<script type=\"application/json\" id=\"warden-data\">")
        .append(json(data).replace("<", "\\u003c"))
        .append("</script>\n<script>\n")
        .append(SCRIPT)
        .append("</script>\n</body>\n</html>\n");
    return html.toString();
  }

  static final String[][] CHARTS = {
    {"decisions", "Calls by decision"},
    {"limited", "Jira's 429s by reason (retried ones included)"},
    {"waits", "Throttle waits (ms): mean and max per point"},
    {"latency", "Latency by operation (ms, mean per point), the busiest " + LATENCY_OPERATIONS}
  };

  private static String width(long millis) {
    if (millis % 86_400_000L == 0) {
      return millis / 86_400_000L + " day(s)";
    }
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + " hour(s)";
    }
    return millis / 60_000L + " minute(s)";
  }

  /** The charts' data: a time axis of every slot from the first to the last, and its series. */
  static String json(ReportData data) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      Timeline timeline = data.timeline;
      if (timeline == null || timeline.slots.isEmpty()) {
        json.writeArrayFieldStart("times");
        json.writeEndArray();
        json.writeEndObject();
        json.flush();
        return out.toString();
      }
      long first = timeline.slots.firstKey();
      long last = timeline.slots.lastKey();
      List<Timeline.Slot> slots = new ArrayList<>();
      json.writeArrayFieldStart("times");
      for (long at = first; at <= last; at += timeline.widthMillis) {
        json.writeNumber(at / 1000);
        Timeline.Slot slot = timeline.slots.get(at);
        slots.add(slot == null ? new Timeline.Slot() : slot);
      }
      json.writeEndArray();

      json.writeObjectFieldStart("decisions");
      for (int d = 0; d < ReportData.DECISIONS.size(); d++) {
        int decision = d;
        if (slots.stream().anyMatch(s -> s.byDecision[decision] > 0)) {
          json.writeArrayFieldStart(ReportData.DECISIONS.get(d));
          for (Timeline.Slot slot : slots) {
            json.writeNumber(slot.byDecision[d]);
          }
          json.writeEndArray();
        }
      }
      json.writeEndObject();

      TreeSet<String> reasons = new TreeSet<>();
      slots.forEach(s -> reasons.addAll(s.limitedByReason.keySet()));
      json.writeObjectFieldStart("limited");
      for (String reason : reasons) {
        json.writeArrayFieldStart(reason);
        for (Timeline.Slot slot : slots) {
          json.writeNumber(slot.limitedByReason.getOrDefault(reason, 0L));
        }
        json.writeEndArray();
      }
      json.writeEndObject();

      json.writeObjectFieldStart("waits");
      if (slots.stream().anyMatch(s -> s.throttledCalls > 0)) {
        json.writeArrayFieldStart("mean");
        for (Timeline.Slot slot : slots) {
          number(json, slot.throttledCalls == 0 ? null : slot.waitSumMillis / slot.throttledCalls);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("max");
        for (Timeline.Slot slot : slots) {
          number(json, slot.throttledCalls == 0 ? null : slot.waitMaxMillis);
        }
        json.writeEndArray();
      }
      json.writeEndObject();

      json.writeObjectFieldStart("latency");
      for (ReportData.Tally operation : ReportData.top(data.operations, LATENCY_OPERATIONS)) {
        json.writeArrayFieldStart(operation.name);
        for (Timeline.Slot slot : slots) {
          double[] figures = slot.latency.get(operation.name);
          number(json, figures == null ? null : figures[1] / figures[0]);
        }
        json.writeEndArray();
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void number(JsonGenerator json, Double value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else {
      json.writeNumber(Math.round(value * 100) / 100.0);
    }
  }

  /** A resource of the uPlot web jar inside Warden's jar, by its path under its version. */
  static String resource(String path) {
    String version = chartsVersion();
    String name = "/META-INF/resources/webjars/uplot/" + version + "/" + path;
    try (InputStream in = HtmlPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Warden's jar lacks " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String chartsVersion() {
    try (InputStream in = HtmlPage.class.getResourceAsStream("charts.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("uplot", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String STYLE =
      """
      body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
      h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; } h3 { font-size: 15px; }
      .summary, .note { color: #555; }
      table { border-collapse: collapse; margin: 8px 0 20px; }
      th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; }
      td.bar { width: 240px; } td.bar span { display: inline-block; height: 10px; background: #c0392b; }
      section.chart { margin-bottom: 16px; }
      """;

  private static final String SCRIPT =
      """
      (function () {
        var data = JSON.parse(document.getElementById('warden-data').textContent);
        if (!data.times || data.times.length === 0) { return; }
        var colors = ['#2e86de', '#c0392b', '#e67e22', '#8e44ad', '#16a085', '#7f8c8d',
                      '#d35400', '#27ae60'];
        function chart(id, seriesByName, unit) {
          var element = document.getElementById(id);
          var names = Object.keys(seriesByName);
          if (names.length === 0) {
            element.textContent = 'None in this period.';
            return;
          }
          var series = [{}];
          var columns = [data.times];
          names.forEach(function (name, i) {
            series.push({ label: name, stroke: colors[i % colors.length], width: 1.5,
                          spanGaps: false, points: { show: data.times.length < 60 } });
            columns.push(seriesByName[name]);
          });
          var width = Math.max(480, Math.min(1100, window.innerWidth - 64));
          new uPlot({ width: width, height: 240, series: series,
                      axes: [{}, { label: unit }], scales: { x: { time: true } } },
                    columns, element);
          element.setAttribute('data-drawn', 'true');
        }
        chart('decisions', data.decisions, 'calls');
        chart('limited', data.limited, "Jira's 429s");
        chart('waits', data.waits, 'ms');
        chart('latency', data.latency, 'ms');
      })();
      """;
}
