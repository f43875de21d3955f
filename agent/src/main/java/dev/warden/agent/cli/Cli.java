package dev.warden.agent.cli;

import dev.warden.agent.Version;
import dev.warden.check.CheckReport;
import dev.warden.check.PolicyCheck;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.Problem;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code java -jar warden-agent.jar}: {@code check}, {@code explain}, {@code report}, {@code
 * --help}, {@code --version} (CONTRACT section 2).
 */
public final class Cli {

  static final int OK = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;
  static final int DENIED = 3;

  static final String USAGE_TEXT =
      """
      usage: java -jar warden-agent.jar COMMAND

      commands:
        check POLICY
            Validate a policy file. Exit 0 with a summary (and warnings) when valid;
            exit 1 with one FILE:LINE:COLUMN: message line per problem when not.
        explain POLICY [--caller CLASS] [--json] METHOD URL [BODY-FILE]
            Show how Warden would treat one request: site, operation, scope, project,
            issue, deciding rule, decision, throttle and credential name. BODY-FILE is
            the request body, for creates. Exit 0 when allowed, 3 when denied (also in
            dry-run), 1 when the policy is invalid, 2 on a usage error.
        report AUDIT-FILE... [--since DURATION]
            What the audit files (each with its rotations FILE.1, FILE.2...) say happened:
            calls by decision, site, operation, rule and caller; denials and throttles
            with their rules and callers; Jira's 429s by reason; latency per operation.
            --since 24h counts back from the newest record. Exit 0, 1 when a file
            cannot be read (a line that is no audit record is counted, never fatal).
        suggest AUDIT-FILE... --policy CURRENT.yaml
            A least-privilege policy learned from the audit (a dry-run week, say): the
            current policy's sites, credentials, throttles, retry and deny rules, then
            one allow rule per calling class with exactly the operations and projects
            it used. Printed to stdout; it passes check.
        --help      Show this help.
        --version   Show Warden's version.

      To guard a service: java -javaagent:warden-agent.jar=policy=/path/policy.yaml -jar app.jar
      """;

  private final PrintStream out;
  private final PrintStream err;

  Cli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs a command; returns the exit status. */
  public static int run(String[] args) {
    return new Cli(System.out, System.err).execute(args);
  }

  int execute(String[] args) {
    if (args.length == 0) {
      err.print(USAGE_TEXT);
      return USAGE;
    }
    switch (args[0]) {
      case "--help", "-h", "help" -> {
        out.print(USAGE_TEXT);
        return OK;
      }
      case "--version", "-V", "version" -> {
        out.println(
            "warden "
                + Version.get()
                + " (Jira route catalog: "
                + RouteCatalog.bundled().source()
                + ")");
        return OK;
      }
      case "check" -> {
        return check(Arrays.copyOfRange(args, 1, args.length));
      }
      case "explain" -> {
        return new Explain(out, err).run(Arrays.copyOfRange(args, 1, args.length));
      }
      case "suggest" -> {
        return new dev.warden.agent.cli.report.Suggest(out, err)
            .run(Arrays.copyOfRange(args, 1, args.length));
      }
      case "report" -> {
        return new dev.warden.agent.cli.report.Report(out, err)
            .run(Arrays.copyOfRange(args, 1, args.length));
      }
      default -> {
        err.println("warden: unknown command '" + args[0] + "'");
        err.print(USAGE_TEXT);
        return USAGE;
      }
    }
  }

  private int check(String[] args) {
    if (args.length != 1) {
      err.println("warden: check takes one policy file: java -jar warden-agent.jar check POLICY");
      return USAGE;
    }
    CheckReport report = new PolicyCheck(RouteCatalog.bundled()).check(Path.of(args[0]), args[0]);
    if (!report.valid()) {
      report.load().errors().forEach(out::println);
      return INVALID;
    }
    out.println(report.summary());
    for (Problem warning : report.warnings()) {
      out.println(
          warning.file()
              + ":"
              + warning.mark().line()
              + ":"
              + warning.mark().column()
              + ": warning: "
              + warning.message());
    }
    return OK;
  }
}
