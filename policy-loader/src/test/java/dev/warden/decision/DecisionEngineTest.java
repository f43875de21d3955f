package dev.warden.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.jira.Classification;
import dev.warden.jira.Classifier;
import dev.warden.jira.PathSegments;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyFixtures;
import dev.warden.policy.Site;
import dev.warden.policy.Throttle;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DecisionEngineTest {

  private static final Classifier CLASSIFIER = new Classifier(RouteCatalog.bundled());
  private final Policy example = PolicyFixtures.valid(PolicyFixtures.example());
  private final DecisionEngine engine = new DecisionEngine(example);

  private Decision decide(
      Policy policy, String siteId, String method, String path, String body, String caller) {
    Site site = policy.site(siteId).orElseThrow();
    Classification c =
        CLASSIFIER.classify(
            method,
            PathSegments.parse(path),
            site.dataCenter(),
            body == null ? null : () -> body.getBytes(StandardCharsets.UTF_8));
    return new DecisionEngine(policy).decide(new CallFacts(site, c, method, caller));
  }

  private Decision decide(String siteId, String method, String path, String caller) {
    return decide(example, siteId, method, path, null, caller);
  }

  @Test
  void firstMatchingRuleDecides() {
    // no-admin comes first and denies an admin call even from a caller sync-reads would allow.
    Decision d =
        decide("acme", "PUT", "/rest/api/3/application-properties/x", "com.acme.sync.SyncJob");
    assertThat(d.ruleId()).isEqualTo("no-admin");
    assertThat(d.allowed()).isFalse();
  }

  @Test
  void noMatchIsDefaultDeny() {
    Decision d = decide("acme", "DELETE", "/rest/api/2/issue/OPS-1", "com.acme.sync.SyncJob");
    assertThat(d).isEqualTo(Decision.DEFAULT_DENY);
    assertThat(d.ruleId()).isEqualTo("default-deny");
  }

  @Test
  void scopeListMatchesOperationsWhoseEveryScopeIsListed() {
    Decision read = decide("acme", "GET", "/rest/api/2/issue/OPS-1", "com.acme.sync.deep.Reader");
    assertThat(read.ruleId()).isEqualTo("sync-reads");
    assertThat(read.coalesce()).isTrue();
    assertThat(read.throttle().map(Throttle::name)).contains("bulk-sync");
    // getCurrentUser needs read:jira-user, which sync-reads does not list.
    assertThat(decide("acme", "GET", "/rest/api/2/myself", "com.acme.sync.SyncJob").ruleId())
        .isEqualTo("default-deny");
    // unscoped operations are matched only by 'unscoped'.
    assertThat(decide("acme", "GET", "/rest/api/2/serverInfo", "com.acme.sync.SyncJob").ruleId())
        .isEqualTo("default-deny");
    assertThat(
            decide("acme-reports", "GET", "/rest/api/2/serverInfo", "com.acme.reports.Weekly")
                .ruleId())
        .isEqualTo("reports-read");
  }

  @Test
  void callerGlobsMatchClassPackageAndSubtree() {
    assertThat(
            decide(
                    "acme",
                    "GET",
                    "/rest/api/2/issue/OPS-1/transitions",
                    "com.acme.triage.TriageBot")
                .ruleId())
        .isEqualTo("triage-writes");
    assertThat(
            decide(
                    "acme",
                    "GET",
                    "/rest/api/2/issue/OPS-1/transitions",
                    "com.acme.triage.rules.Escalate")
                .ruleId())
        .isEqualTo("triage-writes");
    // com.acme.triage.rules.* is one package, not the subtree below it.
    assertThat(
            decide(
                    "acme",
                    "GET",
                    "/rest/api/2/issue/OPS-1/transitions",
                    "com.acme.triage.rules.deep.X")
                .ruleId())
        .isEqualTo("default-deny");
    assertThat(
            decide(
                    "acme",
                    "GET",
                    "/rest/api/2/issue/OPS-1/transitions",
                    "com.acme.triage.TriageBotHelper")
                .ruleId())
        .isEqualTo("default-deny");
    // An unknown caller matches no rule that has callers.
    assertThat(decide("acme", "GET", "/rest/api/2/issue/OPS-1", null).ruleId())
        .isEqualTo("default-deny");
  }

  @Test
  void createIsAllowedInOneProjectAndDeniedInAnother() {
    String ops = "{\"fields\":{\"project\":{\"key\":\"OPS\"},\"summary\":\"s\"}}";
    String hr = "{\"fields\":{\"project\":{\"key\":\"HR\"},\"summary\":\"s\"}}";
    assertThat(
            decide(example, "acme", "POST", "/rest/api/2/issue", ops, "com.acme.triage.TriageBot")
                .ruleId())
        .isEqualTo("triage-writes");
    assertThat(
            decide(example, "acme", "POST", "/rest/api/2/issue", hr, "com.acme.triage.TriageBot")
                .ruleId())
        .isEqualTo("default-deny");
  }

  @Test
  void bulkCreateIsAllowedOnlyWhenEveryProjectIsCovered() {
    Policy policy =
        PolicyFixtures.valid(
            PolicyFixtures.minimal(
                """
          - {id: no-hr, effect: deny, projects: [HR]}
          - {id: ops-bulk, effect: allow, operations: [createIssues], projects: [OPS]}
        """));
    String opsOnly =
        "{\"issueUpdates\":[{\"fields\":{\"project\":{\"key\":\"OPS\"}}},{\"fields\":{\"project\":{\"key\":\"OPS\"}}}]}";
    String mixed =
        "{\"issueUpdates\":[{\"fields\":{\"project\":{\"key\":\"OPS\"}}},{\"fields\":{\"project\":{\"key\":\"HR\"}}}]}";
    String partlyUnknown =
        "{\"issueUpdates\":[{\"fields\":{\"project\":{\"key\":\"OPS\"}}},{\"fields\":{}}]}";
    assertThat(decide(policy, "acme", "POST", "/rest/api/3/issue/bulk", opsOnly, "x.Y").ruleId())
        .isEqualTo("ops-bulk");
    assertThat(decide(policy, "acme", "POST", "/rest/api/3/issue/bulk", mixed, "x.Y").ruleId())
        .isEqualTo("no-hr");
    assertThat(
            decide(policy, "acme", "POST", "/rest/api/3/issue/bulk", partlyUnknown, "x.Y").ruleId())
        .isEqualTo("default-deny");
  }

  @Test
  void unknownProjectMatchesNoRuleWithProjects() {
    Policy policy =
        PolicyFixtures.valid(
            PolicyFixtures.minimal("  - {id: ops, effect: allow, projects: [OPS]}\n"));
    assertThat(decide(policy, "acme", "GET", "/rest/api/2/issue/10042", null, "x.Y").ruleId())
        .isEqualTo("default-deny");
    assertThat(decide(policy, "acme", "GET", "/rest/api/2/issue/ops-7", null, "x.Y").ruleId())
        .isEqualTo("ops");
  }

  @Test
  void methodsAndSitesNarrowRules() {
    assertThat(decide("onprem", "GET", "/rest/api/2/issue/OPS-1", "any.Caller").ruleId())
        .isEqualTo("onprem-read-only");
    assertThat(decide("onprem", "POST", "/rest/api/2/issue/OPS-1/comment", "any.Caller").ruleId())
        .isEqualTo("default-deny");
    assertThat(decide("acme", "GET", "/rest/api/2/issue/OPS-1", "any.Caller").ruleId())
        .isEqualTo("default-deny");
  }

  @Test
  void operationsOfEveryFamilyMatchByTheirNames() {
    Policy policy =
        PolicyFixtures.valid(
            PolicyFixtures.minimal(
                """
          - {id: agile-issue, effect: allow, operations: [software:getIssue]}
          - {id: board, effect: allow, operations: software:getBoard}
          - {id: sd-property, effect: allow, operations: servicedesk:getProperty}
          - {id: platform-issue, effect: allow, operations: platform:getIssue}
        """));
    assertThat(decide(policy, "acme", "GET", "/rest/agile/1.0/issue/OPS-1", null, "x.Y").ruleId())
        .isEqualTo("agile-issue");
    assertThat(
            decide(policy, "acme", "GET", "/rest/agile/latest/issue/OPS-1", null, "x.Y").ruleId())
        .isEqualTo("agile-issue");
    assertThat(decide(policy, "acme", "GET", "/rest/api/3/issue/OPS-1", null, "x.Y").ruleId())
        .isEqualTo("platform-issue");
    assertThat(decide(policy, "acme", "GET", "/rest/agile/1.0/board/7", null, "x.Y").ruleId())
        .isEqualTo("board");
    assertThat(
            decide(
                    policy,
                    "acme",
                    "GET",
                    "/rest/servicedeskapi/organization/1/property/x",
                    null,
                    "x.Y")
                .ruleId())
        .isEqualTo("sd-property");
    assertThat(
            decide(policy, "acme", "GET", "/rest/agile/1.0/issue/OPS-1/properties/x", null, "x.Y")
                .ruleId())
        .isEqualTo("default-deny");
  }

  @Test
  void aScopeListMatchesByClassicScopesOrAWholeGranularSet() {
    Policy policy =
        PolicyFixtures.valid(
            PolicyFixtures.minimal(
                """
          - {id: sprints, effect: allow, operations: [read:sprint:jira-software]}
          - {id: redaction, effect: allow, operations: [redact:issue:jira]}
          - {id: unscoped, effect: allow, methods: GET, operations: unscoped}
        """));
    assertThat(decide(policy, "acme", "GET", "/rest/agile/1.0/sprint/5", null, "x.Y").ruleId())
        .isEqualTo("sprints");
    // No classic scope, so 'unscoped' names it; its granular scope grants it too.
    assertThat(decide(policy, "acme", "POST", "/rest/api/3/redact", null, "x.Y").ruleId())
        .isEqualTo("redaction");
    assertThat(decide(policy, "acme", "GET", "/rest/api/3/serverInfo", null, "x.Y").ruleId())
        .isEqualTo("unscoped");
    // A Software operation with no scope at all is matched only by its name.
    assertThat(decide(policy, "acme", "GET", "/rest/agile/1.0/board", null, "x.Y").ruleId())
        .isEqualTo("default-deny");
    // getIssue's classic read:jira-work is not in the list, nor is any of its granular sets whole.
    assertThat(decide(policy, "acme", "GET", "/rest/api/3/issue/OPS-1", null, "x.Y").ruleId())
        .isEqualTo("default-deny");
  }

  @Test
  void unknownOperationsMatchOnlyUnknown() {
    Policy policy =
        PolicyFixtures.valid(
            PolicyFixtures.minimal(
                """
          - {id: agile, effect: allow, operations: [unknown], methods: GET}
          - {id: everything-scoped, effect: allow, operations: [read:jira-work, write:jira-work]}
        """));
    assertThat(
            decide(policy, "acme", "GET", "/rest/greenhopper/1.0/rapidviews", null, "x.Y").ruleId())
        .isEqualTo("agile");
    assertThat(
            decide(policy, "acme", "POST", "/rest/greenhopper/1.0/rapidviews", null, "x.Y")
                .ruleId())
        .isEqualTo("default-deny");
    assertThat(decide(policy, "acme", "DELETE", "/rest/api/2/issue/A-1", null, "x.Y").ruleId())
        .isEqualTo("everything-scoped");
  }

  @Test
  void defaultThrottleAppliesToAllowRulesThatNameNone() {
    assertThat(
            decide("acme-reports", "GET", "/rest/api/2/issue/OPS-1", "com.acme.reports.R")
                .throttle()
                .map(Throttle::name))
        .contains("default");
    assertThat(decide("acme", "DELETE", "/rest/api/2/issue/OPS-1", "x.Y").throttle()).isEmpty();
  }
}
