package dev.warden.agent.cli.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.audit.AuditFile;
import dev.warden.agent.audit.AuditRecord;
import dev.warden.policy.PolicyLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuggestTest {

  static final long T0 = 1_700_000_000_000_000_000L;

  static final String CURRENT =
      """
      version: 1
      mode: dry-run
      unmanaged-egress: block
      sites:
        - {id: acme, url: 'https://acme.atlassian.net', credential: bot}
        - {id: dc, url: 'https://jira.acme.internal', credential: bot, flavor: data-center}
      credentials:
        bot: {type: bearer, token: '${env:JIRA_TOKEN}'}
      rules:
        - {id: no-deletes, effect: deny, operations: deleteIssue}
        - {id: reads, effect: allow, operations: 'read:jira-work'}
      """;

  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int suggest(String... args) {
    return new Suggest(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8))
        .run(args);
  }

  static String line(
      String site, String decision, String rule, String operation, String caller, String projects) {
    AuditRecord.Builder record =
        AuditRecord.builder("GET", T0)
            .route("/x")
            .put(AuditAttributes.JIRA_SITE, site)
            .put(AuditAttributes.JIRA_OPERATION, operation)
            .put(AuditAttributes.WARDEN_DECISION, decision)
            .put(AuditAttributes.WARDEN_RULE, rule)
            .put(AuditAttributes.WARDEN_CALLER, caller)
            .put(AuditAttributes.JIRA_PROJECT_KEY, projects);
    return AuditFile.line(record.end(T0 + 1), null);
  }

  @Test
  void eachClassGetsExactlyWhatItUsedPerSiteAndTheUnknownCallerACommentedRule() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, CURRENT);
    Path audit = dir.resolve("audit.jsonl");
    Files.write(
        audit,
        List.of(
            line("acme", "allow", "reads", "getIssue", "com.acme.Sync.pull", "OPS"),
            line("acme", "allow", "reads", "getIssue", "com.acme.Sync.pull", null),
            line(
                "acme",
                "would-deny",
                "default-deny",
                "createIssues",
                "com.acme.Sync.push",
                "OPS,HR"),
            line("acme", "would-deny", "no-deletes", "deleteIssue", "com.acme.Sync.clean", "OPS"),
            line("acme", "deny", "default-deny", "deleteProject", "com.acme.Sync.clean", "OPS"),
            line("dc", "would-throttle", "reads", "getIssue", "com.acme.Sync.pull", "OPS"),
            line("acme", "allow", "reads", "getServerInfo", "unknown", null),
            "{ not a record"),
        UTF_8);

    assertThat(suggest(audit.toString(), "--policy", policy.toString()))
        .as(err.toString(UTF_8))
        .isZero();

    String text = out.toString(UTF_8);
    assertThat(PolicyLoader.bundled().parse(text, "suggested").errors()).isEmpty();
    assertThat(text)
        .startsWith("# Suggested by warden suggest from 5 audited calls")
        .contains(", 1 lines unread")
        .doesNotContain("mode:")
        .contains("unmanaged-egress: block")
        .contains("token: \"${env:JIRA_TOKEN}\"")
        .contains("id: no-deletes")
        .doesNotContain("id: reads")
        .doesNotContain("deleteProject")
        .doesNotContain("deleteIssue\n      - ");
    // getIssue was used without a known project too: one rule without projects, per site.
    assertThat(text)
        .containsPattern(
            "id: allow-sync-acme\\n    effect: allow\\n    sites: acme\\n    callers: com.acme.Sync\\n"
                + "    operations:\\n      - getIssue\\n  -")
        .containsPattern(
            "id: allow-sync-acme-2\\n    effect: allow\\n    sites: acme\\n    callers: com.acme.Sync\\n"
                + "    operations:\\n      - createIssues\\n    projects:\\n      - HR\\n      - OPS")
        .containsPattern(
            "id: allow-sync-dc\\n    effect: allow\\n    sites: dc\\n    callers: com.acme.Sync\\n"
                + "    operations:\\n      - getIssue\\n    projects:\\n      - OPS");
    assertThat(text)
        .contains("  # Calls whose caller could not be found")
        .contains("  # - id: allow-unknown-caller-acme")
        .containsPattern("(?m)^  #\\s+- getServerInfo$")
        .endsWith("  # Anything else: denied (default-deny).\n");
  }

  @Test
  void aMissingPolicyOrAuditIsExit1AndBadUsageExit2() throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    Files.writeString(audit, "");
    assertThat(suggest(audit.toString(), "--policy", dir.resolve("none.yaml").toString()))
        .isEqualTo(1);
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, CURRENT);
    assertThat(suggest(dir.resolve("none.jsonl").toString(), "--policy", policy.toString()))
        .isEqualTo(1);
    assertThat(err.toString(UTF_8)).contains("no audit file");
    assertThat(suggest(audit.toString())).isEqualTo(2);
    assertThat(suggest("--policy", policy.toString())).isEqualTo(2);
    assertThat(suggest(audit.toString(), "--policy")).isEqualTo(2);
  }

  @Test
  void learnedRulesTakeThePlaceOfTheFirstAllowRuleSoALaterDenyRuleStaysBehindThem()
      throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        version: 1
        sites:
          - {id: acme, url: 'https://acme.atlassian.net', credential: bot}
        credentials:
          bot: {type: bearer, token: '${env:JIRA_TOKEN}'}
        rules:
          - {id: first-deny, effect: deny, operations: deleteProject}
          - {id: reads, effect: allow, operations: 'read:jira-work'}
          - {id: late-deny, effect: deny, operations: getIssue, projects: HR}
        """);
    Path audit = dir.resolve("audit.jsonl");
    Files.write(
        audit,
        List.of(line("acme", "allow", "reads", "getIssue", "com.acme.Sync.pull", "HR")),
        UTF_8);

    assertThat(suggest(audit.toString(), "--policy", policy.toString())).isZero();

    String text = out.toString(UTF_8);
    assertThat(text.indexOf("id: first-deny"))
        .isLessThan(text.indexOf("id: allow-sync"))
        .isPositive();
    assertThat(text.indexOf("id: allow-sync")).isLessThan(text.indexOf("id: late-deny"));
  }
}
