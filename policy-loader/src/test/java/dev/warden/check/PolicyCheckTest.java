package dev.warden.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.jira.RouteCatalog;
import dev.warden.policy.PolicyFixtures;
import dev.warden.policy.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCheckTest {

  private final PolicyCheck check = new PolicyCheck(RouteCatalog.bundled());

  private List<String> warnings(String text) {
    return check.warnings(PolicyFixtures.valid(text)).stream().map(Problem::toString).toList();
  }

  @Test
  void cleanPolicyHasNoWarnings() {
    assertThat(
            warnings(
                PolicyFixtures.minimal(
                    "  - {id: r, effect: allow, methods: GET, operations: [read:jira-work, read:jira-user, unscoped]}\n")))
        .isEmpty();
  }

  @Test
  void warnsAboutPlainHttpSites() {
    assertThat(
            warnings(
                PolicyFixtures.minimal("  - {id: r, effect: deny}\n")
                    .replace("https://", "http://")))
        .singleElement()
        .asString()
        .startsWith("policy.yaml:3:5: site 'acme' uses plain http://");
  }

  @Test
  void warnsAboutUnusedCredentials() {
    assertThat(
            warnings(
                PolicyFixtures.minimal("  - {id: r, effect: deny}\n")
                    .replace(
                        "credentials:\n",
                        "credentials:\n  spare: {type: bearer, token: '${env:X}'}\n")))
        .singleElement()
        .asString()
        .contains("credential 'spare' is used by no site");
  }

  @Test
  void warnsAboutSecretFilesGroupOrOthersCanRead(@TempDir Path dir) throws Exception {
    Path open = java.nio.file.Files.writeString(dir.resolve("token"), "secret\n");
    java.nio.file.Files.setPosixFilePermissions(
        open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    String policy =
        PolicyFixtures.minimal(
                "  - {id: r, effect: allow, methods: GET, operations: [read:jira-work, read:jira-user, unscoped]}\n")
            .replace("${env:JIRA_TOKEN}", "${file:" + open + "}");
    assertThat(warnings(policy))
        .singleElement()
        .asString()
        .contains(
            "credential 'bot' reads a secret from "
                + open
                + ", which group or others can read (rw-r--r--)")
        .doesNotContain("secret\n");
    java.nio.file.Files.setPosixFilePermissions(
        open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(warnings(policy)).isEmpty();
  }

  @Test
  void warnsAboutProjectsOnDenyRules() {
    assertThat(warnings(PolicyFixtures.minimal("  - {id: no-hr, effect: deny, projects: HR}\n")))
        .singleElement()
        .asString()
        .contains("deny rule 'no-hr' names projects, but numeric issue ids and JQL");
  }

  @Test
  void warnsWhenReadJiraWorkAloneLeavesStartUpCallsDenied() {
    assertThat(
            warnings(
                PolicyFixtures.minimal(
                    "  - {id: reads, effect: allow, callers: com.acme.**, operations: read:jira-work}\n")))
        .singleElement()
        .asString()
        .contains(
            "rule 'reads' allows read:jira-work alone, which leaves getCurrentUser (read:jira-user) and getServerInfo (unscoped) denied");
    // The same on a Data Center site, whose twins of these operations have the same scopes.
    assertThat(
            warnings(
                PolicyFixtures.minimal(
                        "  - {id: reads, effect: allow, callers: com.acme.**, operations: read:jira-work}\n")
                    .replace(
                        "url: https://acme.atlassian.net",
                        "url: https://jira.acme.example\n    flavor: data-center")))
        .singleElement()
        .asString()
        .contains(
            "rule 'reads' allows read:jira-work alone, which leaves getCurrentUser (read:jira-user) and getServerInfo (unscoped) denied");
    // Not when another rule already allows them.
    assertThat(
            warnings(
                PolicyFixtures.minimal(
                    """
          - {id: start-up, effect: allow, operations: [getServerInfo, getCurrentUser]}
          - {id: reads, effect: allow, operations: read:jira-work}
        """)))
        .isEmpty();
  }

  @Test
  void warnsAboutUnscopedInAnAllowRuleThatAllowsWrites() {
    assertThat(
            warnings(
                PolicyFixtures.minimal(
                    "  - {id: meta, effect: allow, operations: [getServerInfo, unscoped]}\n")))
        .singleElement()
        .asString()
        .isEqualTo(
            "policy.yaml:12:5: allow rule 'meta' names unscoped, which covers writes too (such as"
                + " POST /rest/api/3/redact); add methods: [GET] or name the operations it needs");
    // Not for reads only, nor for a deny rule.
    assertThat(
            warnings(
                PolicyFixtures.minimal(
                    """
          - {id: meta, effect: allow, methods: [GET], operations: unscoped}
          - {id: meta-head, effect: allow, methods: [GET, HEAD], operations: unscoped}
          - {id: no-meta, effect: deny, operations: unscoped}
        """)))
        .isEmpty();
    assertThat(
            warnings(
                PolicyFixtures.minimal(
                    "  - {id: meta, effect: allow, methods: [GET, POST], operations: unscoped}\n")))
        .singleElement()
        .asString()
        .contains("allow rule 'meta' names unscoped");
  }

  @Test
  void contractExampleWarnsOnlyAboutWhatIsLikelyWrong() {
    // The contract's own example allows unscoped for every method in 'reports-read'.
    assertThat(warnings(PolicyFixtures.example()))
        .satisfiesExactly(
            w -> assertThat(w).contains("rule 'sync-reads' allows read:jira-work alone"),
            w -> assertThat(w).contains("allow rule 'reports-read' names unscoped"));
  }

  @Test
  void summaryCountsWhatThePolicyHas(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, PolicyFixtures.example());
    CheckReport report = check.check(file, "policy.yaml");
    assertThat(report.summary())
        .isEqualTo(
            "policy.yaml: valid policy (enforce): 4 sites, 4 credentials, 3 throttles, 5 rules, 2 warnings");
  }
}
