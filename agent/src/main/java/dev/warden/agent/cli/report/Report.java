package dev.warden.agent.cli.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar warden-agent.jar report AUDIT-FILE... [--since DURATION]} (CONTRACT section 2):
 * what the audit files say happened, as tables on the terminal. The files are streamed (twice with
 * {@code --since}, which counts back from the newest record), so a report's memory does not grow
 * with their size.
 */
public final class Report {

  static final int OK = 0;
  static final int UNREADABLE = 1;
  static final int USAGE = 2;

  /** How many rows the long tables (callers, denials, throttles) show. */
  static final int TOP = 20;

  static final String USAGE_TEXT =
      "usage: java -jar warden-agent.jar report AUDIT-FILE... [--since DURATION] [--html OUT.html]\n"
          + "  DURATION: a number and s, m, h, d or w (30m, 24h, 7d), counted back from the"
          + " newest record\n";

  private final PrintStream out;
  private final PrintStream err;

  public Report(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command on its arguments (those after {@code report}); returns the exit status. */
  public int run(String[] args) {
    List<String> files = new ArrayList<>();
    Duration since = null;
    java.nio.file.Path page = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--since")) {
        if (i + 1 >= args.length) {
          return usage("--since needs a duration, such as 24h");
        }
        since = duration(args[++i]);
        if (since == null) {
          return usage("--since is '" + args[i] + "'; write a number and s, m, h, d or w");
        }
      } else if (arg.equals("--html")) {
        if (i + 1 >= args.length) {
          return usage("--html needs the page's file, such as report.html");
        }
        page = java.nio.file.Path.of(args[++i]);
      } else if (arg.startsWith("--")) {
        return usage("unknown option " + arg);
      } else {
        files.add(arg);
      }
    }
    if (files.isEmpty()) {
      return usage("name at least one audit file");
    }
    AuditLines lines;
    ReportData data = new ReportData();
    try {
      lines = AuditLines.of(files);
      long from = Long.MIN_VALUE;
      if (since != null || page != null) {
        // A first pass: where the window starts, and how wide the page's points are.
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
        lines.forEachTime(
            time -> {
              span[0] = Math.min(span[0], time);
              span[1] = Math.max(span[1], time);
            });
        if (since != null && span[1] != Long.MIN_VALUE) {
          from = span[1] - since.toMillis();
        }
        if (page != null) {
          data.timeline = Timeline.covering(Math.max(span[0], from), span[1]);
        }
      }
      long start = from;
      lines.forEach(
          line -> {
            if (line.epochMillis >= start) {
              data.add(line);
            }
          });
    } catch (NoSuchFileException e) {
      err.println("warden: report: no audit file " + e.getFile());
      return UNREADABLE;
    } catch (IOException e) {
      err.println(
          "warden: report: cannot read the audit files ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")");
      return UNREADABLE;
    }
    print(lines, data, since);
    if (page != null) {
      try {
        String html = HtmlPage.render(lines, data, since == null ? null : text(since));
        java.nio.file.Path parent = page.toAbsolutePath().getParent();
        if (parent != null) {
          java.nio.file.Files.createDirectories(parent);
        }
        java.nio.file.Files.writeString(page, html, java.nio.charset.StandardCharsets.UTF_8);
        out.println();
        out.println(
            "Page: " + page + " (" + count(html.length() / 1024) + " KB, opens with no network)");
      } catch (IOException | RuntimeException e) {
        err.println(
            "warden: report: cannot write the page "
                + page
                + " ("
                + e.getClass().getSimpleName()
                + ": "
                + e.getMessage()
                + ")");
        return UNREADABLE;
      }
    }
    return OK;
  }

  private int usage(String problem) {
    err.println("warden: report: " + problem);
    err.print(USAGE_TEXT);
    return USAGE;
  }

  static Duration duration(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.length() < 2) {
      return null;
    }
    long number;
    try {
      number = Long.parseLong(value.substring(0, value.length() - 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (number <= 0) {
      return null;
    }
    return switch (value.charAt(value.length() - 1)) {
      case 's' -> Duration.ofSeconds(number);
      case 'm' -> Duration.ofMinutes(number);
      case 'h' -> Duration.ofHours(number);
      case 'd' -> Duration.ofDays(number);
      case 'w' -> Duration.ofDays(7 * number);
      default -> null;
    };
  }

  private void print(AuditLines lines, ReportData data, Duration since) {
    out.println("Warden audit report");
    out.println(
        "  files: "
            + lines.files().size()
            + " ("
            + String.join(
                ", ", lines.files().stream().map(p -> p.getFileName().toString()).toList())
            + ")");
    if (data.records == 0) {
      out.println("  records: 0" + (since != null ? " in the last " + since : ""));
    } else {
      out.println(
          "  records: "
              + data.records
              + ", from "
              + Instant.ofEpochMilli(data.firstMillis)
              + " to "
              + Instant.ofEpochMilli(data.lastMillis)
              + (since != null ? " (the last " + text(since) + ")" : ""));
    }
    if (lines.malformed() > 0) {
      out.println(
          "  lines that are not audit records: "
              + lines.malformed()
              + " (the first at "
              + lines.firstMalformed()
              + ")");
    }
    if (data.records == 0) {
      return;
    }

    for (Table table : tables(data)) {
      table.print(out);
    }
  }

  /** The report's tables, for the terminal and the page alike. */
  static List<Table> tables(ReportData data) {
    List<Table> tables = new ArrayList<>();
    Table decisions = new Table("Calls by decision", "decision", "calls", "share");
    for (ReportData.Tally tally : ReportData.top(data.decisions, Integer.MAX_VALUE)) {
      decisions.row(tally.name, count(tally.calls), percent(tally.calls, data.records));
    }
    tables.add(decisions);

    Table sites = new Table("By site", "site", "calls", "allowed", "denied", "throttled", "other");
    for (ReportData.Tally tally : ReportData.top(data.sites, Integer.MAX_VALUE)) {
      long allowed = tally.of("allow");
      sites.row(
          tally.name,
          count(tally.calls),
          count(allowed),
          count(tally.denied()),
          count(tally.throttled()),
          count(tally.calls - allowed - tally.denied() - tally.throttled()));
    }
    tables.add(sites);

    Table operations =
        new Table(
            "By operation (latency from the hook to the response the application got, ms)",
            "operation",
            "calls",
            "denied",
            "throttled",
            "p50",
            "p90",
            "p99",
            "max");
    for (ReportData.Tally tally : ReportData.top(data.operations, Integer.MAX_VALUE)) {
      operations.row(
          tally.name,
          count(tally.calls),
          count(tally.denied()),
          count(tally.throttled()),
          millis(tally.latency.quantile(0.5)),
          millis(tally.latency.quantile(0.9)),
          millis(tally.latency.quantile(0.99)),
          millis(tally.latency.max()));
    }
    tables.add(operations);

    Table rules = new Table("By rule", "rule", "calls", "allowed", "denied", "throttled");
    for (ReportData.Tally tally : ReportData.top(data.rules, Integer.MAX_VALUE)) {
      rules.row(
          tally.name,
          count(tally.calls),
          count(tally.of("allow")),
          count(tally.denied()),
          count(tally.throttled()));
    }
    tables.add(rules);

    Table callers =
        new Table(
            "By caller (top " + TOP + ")", "caller", "calls", "allowed", "denied", "throttled");
    for (ReportData.Tally tally : ReportData.top(data.callers, TOP)) {
      callers.row(
          tally.name,
          count(tally.calls),
          count(tally.of("allow")),
          count(tally.denied()),
          count(tally.throttled()));
    }
    tables.add(callers);

    tables.add(pairs("Denials by rule and caller (deny and would-deny)", data.denials));
    tables.add(
        pairs("Throttled calls by rule and caller (throttled and would-throttle)", data.throttles));
    Table waits =
        new Table(
            "Throttle waits (calls through a throttle, ms)", "calls", "p50", "p90", "p99", "max");
    if (data.throttleWaits.count() > 0) {
      waits.row(
          count(data.throttleWaits.count()),
          millis(data.throttleWaits.quantile(0.5)),
          millis(data.throttleWaits.quantile(0.9)),
          millis(data.throttleWaits.quantile(0.99)),
          millis(data.throttleWaits.max()));
    }
    tables.add(waits);

    Table limited =
        new Table("Jira's 429s by reason (retried ones included)", "reason", "responses");
    data.jira429s.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> limited.row(e.getKey(), count(e.getValue())));
    tables.add(limited);
    return tables;
  }

  private static Table pairs(String title, Map<String, ReportData.Tally> pairs) {
    Table table =
        new Table(title + (pairs.size() > TOP ? ", top " + TOP : ""), "rule", "caller", "calls")
            .withBars(2);
    for (ReportData.Tally tally : ReportData.top(pairs, TOP)) {
      String[] parts = tally.name.split("\t", 2);
      table.row(parts[0], parts[1], count(tally.calls));
    }
    return table;
  }

  private static String text(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String percent(long part, long whole) {
    return String.format(Locale.ROOT, "%.1f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
  }

  static String millis(double value) {
    return value >= 100
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  /** A titled table of left-aligned text and right-aligned figures. */
  static final class Table {
    private final String title;
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    /** The column whose figures the page also draws as bars, or -1. */
    private int bars = -1;

    Table(String title, String... headers) {
      this.title = title;
      this.headers = headers;
    }

    Table withBars(int column) {
      bars = column;
      return this;
    }

    void row(String... cells) {
      rows.add(cells);
    }

    /** The title up to its first parenthesis or " by ": how "none" is said. */
    private String subject() {
      String subject = title;
      int by = subject.indexOf(" by ");
      int paren = subject.indexOf(" (");
      int end = by >= 0 ? by : paren >= 0 ? paren : subject.length();
      return subject.substring(0, end);
    }

    String html() {
      StringBuilder html = new StringBuilder();
      html.append("<h2>").append(HtmlPage.escape(title)).append("</h2>\n");
      if (rows.isEmpty()) {
        return html.append("<p class=\"note\">None.</p>\n").toString();
      }
      html.append("<table>\n<tr>");
      for (String header : headers) {
        html.append("<th>").append(HtmlPage.escape(header)).append("</th>");
      }
      if (bars >= 0) {
        html.append("<th></th>");
      }
      html.append("</tr>\n");
      double most = 1;
      if (bars >= 0) {
        for (String[] row : rows) {
          most = Math.max(most, Double.parseDouble(row[bars].replace(",", "")));
        }
      }
      for (String[] row : rows) {
        html.append("<tr>");
        for (int c = 0; c < row.length; c++) {
          html.append(figure(c, row[c]) ? "<td class=\"n\">" : "<td>")
              .append(HtmlPage.escape(row[c]))
              .append("</td>");
        }
        if (bars >= 0) {
          long width = Math.round(240 * Double.parseDouble(row[bars].replace(",", "")) / most);
          html.append("<td class=\"bar\"><span style=\"width:")
              .append(width)
              .append("px\"></span></td>");
        }
        html.append("</tr>\n");
      }
      return html.append("</table>\n").toString();
    }

    private static boolean figure(int column, String cell) {
      return column > 0
          && !cell.isEmpty()
          && (Character.isDigit(cell.charAt(0)) || cell.equals("-"));
    }

    void print(PrintStream out) {
      if (rows.isEmpty()) {
        out.println();
        out.println(subject() + ": none");
        return;
      }
      int[] widths = new int[headers.length];
      for (int c = 0; c < headers.length; c++) {
        widths[c] = headers[c].length();
        for (String[] row : rows) {
          widths[c] = Math.max(widths[c], row[c].length());
        }
      }
      out.println();
      out.println(title);
      out.println(line(headers, widths));
      StringBuilder rule = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        rule.append(c == 0 ? "  " : "  ").append("-".repeat(widths[c]));
      }
      out.println(rule);
      for (String[] row : rows) {
        out.println(line(row, widths));
      }
    }

    private static String line(String[] cells, int[] widths) {
      StringBuilder text = new StringBuilder();
      for (int c = 0; c < cells.length; c++) {
        text.append("  ");
        String cell = cells[c];
        // A figure is right-aligned; so is a first column of figures (a table of one row).
        if (figure(c, cell) || (c == 0 && !cell.isEmpty() && Character.isDigit(cell.charAt(0)))) {
          text.append(" ".repeat(widths[c] - cell.length())).append(cell);
        } else {
          text.append(cell)
              .append(" ".repeat(c == cells.length - 1 ? 0 : widths[c] - cell.length()));
        }
      }
      return text.toString().stripTrailing();
    }
  }
}
