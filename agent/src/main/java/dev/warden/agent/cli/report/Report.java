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
      "usage: java -jar warden-agent.jar report AUDIT-FILE... [--since DURATION]\n"
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
        return usage("--html is not available in this version yet; the tables are printed alone");
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
      if (since != null) {
        long[] newest = {Long.MIN_VALUE};
        lines.forEach(line -> newest[0] = Math.max(newest[0], line.epochMillis));
        from = newest[0] == Long.MIN_VALUE ? Long.MIN_VALUE : newest[0] - since.toMillis();
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

    Table decisions = new Table("Calls by decision", "decision", "calls", "share");
    for (ReportData.Tally tally : ReportData.top(data.decisions, Integer.MAX_VALUE)) {
      decisions.row(tally.name, count(tally.calls), percent(tally.calls, data.records));
    }
    decisions.print(out);

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
    sites.print(out);

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
    operations.print(out);

    Table rules = new Table("By rule", "rule", "calls", "allowed", "denied", "throttled");
    for (ReportData.Tally tally : ReportData.top(data.rules, Integer.MAX_VALUE)) {
      rules.row(
          tally.name,
          count(tally.calls),
          count(tally.of("allow")),
          count(tally.denied()),
          count(tally.throttled()));
    }
    rules.print(out);

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
    callers.print(out);

    printPairs("Denials by rule and caller (deny and would-deny)", data.denials);
    printPairs("Throttled calls by rule and caller (throttled and would-throttle)", data.throttles);
    if (data.throttleWaits.count() > 0) {
      out.println();
      out.println(
          "Throttle waits: "
              + count(data.throttleWaits.count())
              + " calls through a throttle, p50 "
              + millis(data.throttleWaits.quantile(0.5))
              + " ms, p99 "
              + millis(data.throttleWaits.quantile(0.99))
              + " ms, max "
              + millis(data.throttleWaits.max())
              + " ms");
    }

    Table limited =
        new Table("Jira's 429s by reason (retried ones included)", "reason", "responses");
    data.jira429s.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> limited.row(e.getKey(), count(e.getValue())));
    if (data.jira429s.isEmpty()) {
      out.println();
      out.println("Jira's 429s: none");
    } else {
      limited.print(out);
    }
  }

  private void printPairs(String title, Map<String, ReportData.Tally> pairs) {
    if (pairs.isEmpty()) {
      out.println();
      out.println(title.substring(0, title.indexOf(" by ")) + ": none");
      return;
    }
    Table table =
        new Table(title + (pairs.size() > TOP ? ", top " + TOP : ""), "rule", "caller", "calls");
    for (ReportData.Tally tally : ReportData.top(pairs, TOP)) {
      String[] parts = tally.name.split("\t", 2);
      table.row(parts[0], parts[1], count(tally.calls));
    }
    table.print(out);
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

    Table(String title, String... headers) {
      this.title = title;
      this.headers = headers;
    }

    void row(String... cells) {
      rows.add(cells);
    }

    void print(PrintStream out) {
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
        boolean figure =
            c > 0
                && !cells[c].isEmpty()
                && (Character.isDigit(cells[c].charAt(0)) || cells[c].equals("-"));
        String cell = cells[c];
        if (figure) {
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
