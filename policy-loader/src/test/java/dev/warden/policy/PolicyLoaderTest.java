package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.policy.Words.Flavor;
import dev.warden.policy.Words.Mode;
import dev.warden.policy.Words.Per;
import dev.warden.policy.Words.UnmanagedEgress;
import dev.warden.policy.secret.SecretRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

  private final PolicyLoader loader = PolicyLoader.bundled();

  private List<String> errors(String text) {
    LoadResult result = loader.parse(text, "policy.yaml");
    assertThat(result.valid()).as("policy should be invalid").isFalse();
    return result.errors().stream().map(Problem::toString).toList();
  }

  @Test
  void contractExampleIsValidAndReadsEveryKey() {
    Policy policy = PolicyFixtures.valid(PolicyFixtures.example());
    assertThat(policy.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(policy.unmanagedEgress()).isEqualTo(UnmanagedEgress.BLOCK);
    assertThat(policy.callerSkip()).containsExactly("com.acme.platform.jira.**");
    assertThat(policy.sites())
        .extracting(Site::id)
        .containsExactly("acme", "acme-oauth", "acme-reports", "onprem");
    Site onprem = policy.site("onprem").orElseThrow();
    assertThat(onprem.flavor()).isEqualTo(Flavor.DATA_CENTER);
    assertThat(onprem.url().contextPath()).containsExactly("jira");
    assertThat(policy.credentials().get("acme-bot")).isInstanceOf(Credential.Basic.class);
    Credential.OAuth2Refresh app = (Credential.OAuth2Refresh) policy.credentials().get("acme-app");
    assertThat(app.refreshToken().references().get(0)).isInstanceOf(SecretRef.File.class);
    assertThat(app.store().orElseThrow().database()).isEqualTo(2);
    assertThat(app.store().orElseThrow().password().orElseThrow().text())
        .isEqualTo("${env:REDIS_PASSWORD}");
    assertThat(policy.credentials().get("onprem-pat")).isInstanceOf(Credential.Bearer.class);
    Throttle bulk = policy.throttles().get("bulk-sync");
    assertThat(bulk.capacity()).isEqualTo(600);
    assertThat(bulk.refillTokens()).isEqualTo(600);
    assertThat(bulk.refillPeriod()).isEqualTo(Duration.ofMinutes(1));
    assertThat(bulk.maxWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(bulk.store().orElseThrow().tls()).isTrue();
    assertThat(policy.throttles().get("per-caller").per()).isEqualTo(Per.CALLER);
    assertThat(policy.throttles().get("per-caller").maxWait()).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.retry())
        .isEqualTo(new Retry(4, Duration.ofSeconds(60), Duration.ofSeconds(1)));
    assertThat(policy.rules())
        .extracting(Rule::id)
        .containsExactly(
            "no-admin", "sync-reads", "triage-writes", "reports-read", "onprem-read-only");
    Rule sync = policy.rules().get(1);
    assertThat(sync.coalesce()).isTrue();
    assertThat(sync.callers()).containsExactly("com.acme.sync.**");
    assertThat(policy.rules().get(2).projects()).containsExactly("OPS", "SUP");
  }

  @Test
  void committedExampleIsTheContractsExample() throws IOException {
    Path shared =
        Path.of(System.getProperty("warden.jira.openapi", "../../shared/jira/x"))
            .getParent()
            .resolveSibling("spec/example-policy.yaml");
    assumeTrue(Files.isRegularFile(shared), "the shared contract is not in this checkout");
    assertThat(PolicyFixtures.example()).isEqualTo(Files.readString(shared));
  }

  @Test
  void booleanLikeWordsStayStrings() {
    Policy policy =
        PolicyFixtures.valid(
            PolicyFixtures.minimal(
                    """
          - id: r
            effect: allow
            projects: [NO, ON, yes, off]
        """)
                .replace("version: 1", "version: 1\nunmanaged-egress: off"));
    assertThat(policy.unmanagedEgress()).isEqualTo(UnmanagedEgress.OFF);
    assertThat(policy.rules().get(0).projects()).containsExactly("NO", "ON", "YES", "OFF");
  }

  @Test
  void jsonIsYamlToo() {
    Policy policy =
        PolicyFixtures.valid(
            """
        {"version": 1,
         "sites": [{"id": "acme", "url": "https://acme.atlassian.net/", "credential": "bot"}],
         "credentials": {"bot": {"type": "bearer", "token": "${file:/run/secrets/jira}"}},
         "rules": [{"id": "all-reads", "effect": "allow", "operations": "read:jira-work"}]}
        """);
    assertThat(policy.sites().get(0).url().toString()).isEqualTo("https://acme.atlassian.net");
    assertThat(policy.rules().get(0).operations()).containsExactly("read:jira-work");
  }

  @Test
  void unknownKeysAreErrorsWithTheNearestKey() {
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
                    .replace("version: 1", "version: 1\nsitez: []")))
        .containsExactly(
            "policy.yaml:2:1: unknown key 'sitez' in the policy; expected one of version, mode, unmanaged-egress,"
                + " caller-skip, sites, credentials, throttles, retry, rules; did you mean 'sites'?");
    assertThat(errors(PolicyFixtures.minimal("  - {id: r, effect: allow, operation: getIssue}\n")))
        .singleElement()
        .asString()
        .isEqualTo(
            "policy.yaml:12:28: unknown key 'operation' in rule 'r'; expected one of id, effect,"
                + " throttle, coalesce, sites, callers, operations, projects, methods; did you mean 'operations'?");
  }

  @Test
  void wrongTypesAndBadDurationsSayWhatToWrite() {
    String text =
        PolicyFixtures.minimal("  - {id: r, effect: allow, throttle: t}\n")
            + """
        throttles:
          t:
            capacity: fifty
            refill: 10 per second
            max-wait: 2 seconds
            per: host
        retry:
          max-attempts: 0
        """;
    assertThat(errors(text))
        .containsExactly(
            "policy.yaml:15:15: 'capacity' of throttle 't' must be a whole number of at least 1, such as capacity: 50; found 'fifty'",
            "policy.yaml:16:13: 'refill' of throttle 't' must be N/DURATION with N and DURATION above 0, such as 100/1m or 10/1s; found '10 per second'",
            "policy.yaml:17:15: 'max-wait' of throttle 't' must be a duration such as 500ms, 2s, 1m or 1h; found '2 seconds'",
            "policy.yaml:18:10: 'per' of throttle 't' must be site, caller or rule; found 'host'",
            "policy.yaml:20:17: 'max-attempts' of 'retry' must be a whole number of at least 1, such as max-attempts: 4; found '0'");
  }

  @Test
  void literalSecretsAreErrorsThatNeverRepeatTheSecret() {
    List<String> errors =
        errors(
            PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
                .replace("${env:JIRA_TOKEN}", "hunter2-s3cret"));
    assertThat(errors)
        .singleElement()
        .asString()
        .startsWith("policy.yaml:10:15: 'password' of credential 'bot' is a literal secret")
        .contains("${env:NAME}")
        .doesNotContain("hunter2");
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
                    .replace("${env:JIRA_TOKEN}", "pre${env:X}")))
        .singleElement()
        .asString()
        .contains("literal secret")
        .doesNotContain("pre");
  }

  @Test
  void malformedReferencesAreErrors() {
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
                    .replace("${env:JIRA_TOKEN}", "${vault:jira}")))
        .singleElement()
        .asString()
        .contains("unknown kind of secret reference")
        .doesNotContain("vault:jira");
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
                    .replace("${env:JIRA_TOKEN}", "${file:relative/path}")))
        .singleElement()
        .asString()
        .contains("needs an absolute path");
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
                    .replace("${env:JIRA_TOKEN}", "${pkcs12:/etc/x.p12}")))
        .singleElement()
        .asString()
        .contains("an alias");
  }

  @Test
  void refreshTokenMustHaveSomewhereToGo() {
    String text =
        PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
            .replace(
                """
          bot:
            type: basic
            username: bot@acme.example
            password: ${env:JIRA_TOKEN}
        """,
                """
          bot:
            type: oauth2-refresh
            token-url: https://auth.atlassian.com/oauth/token
            client-id: abc
            client-secret: ${env:SECRET}
            refresh-token: ${env:REFRESH}
        """);
    assertThat(errors(text))
        .singleElement()
        .asString()
        .contains("'refresh-token' of credential 'bot' must be a ${file:/path} reference");
    assertThat(
            loader
                .parse(
                    text.replace(
                        "refresh-token: ${env:REFRESH}",
                        "refresh-token: ${env:REFRESH}\n    store: redis://localhost:6379"),
                    "p")
                .valid())
        .isTrue();
  }

  @Test
  void rulesNamingMissingThingsSayWhatExists() {
    List<String> errors =
        errors(
            PolicyFixtures.minimal(
                """
          - id: r
            effect: allow
            sites: [acm]
            throttle: nope
            operations: [getIsue, read:jira-wrk]
        """));
    assertThat(errors)
        .containsExactly(
            "policy.yaml:15:15: rule 'r' names throttle 'nope', which is not under 'throttles'",
            "policy.yaml:16:18: unknown operation 'getIsue' in rule 'r'; did you mean getIssue? Operations are Atlassian operationIds"
                + " (getIssue, createIssue, software:getIssue, ...), OAuth scopes (read:jira-work, ...), unscoped or unknown",
            "policy.yaml:16:27: unknown operation 'read:jira-wrk' in rule 'r'; did you mean read:jira-work, read:jira-user? Operations are"
                + " Atlassian operationIds (getIssue, createIssue, software:getIssue, ...), OAuth scopes (read:jira-work, ...), unscoped or unknown",
            "policy.yaml:14:13: rule 'r' names site 'acm', which is not under 'sites'; did you mean 'acme'?");
  }

  @Test
  void operationsAreKeptByTheNameTheCatalogGivesThem() {
    Policy policy =
        PolicyFixtures.valid(
            PolicyFixtures.minimal(
                "  - {id: r, effect: allow, operations: [platform:getIssue, software:getBoard,"
                    + " software:getIssue, datacenter:currentUser, read:sprint:jira-software]}\n"));
    assertThat(policy.rules().get(0).operations())
        .containsExactly(
            "getIssue",
            "getBoard",
            "software:getIssue",
            "datacenter:currentUser",
            "read:sprint:jira-software");
  }

  @Test
  void aBareNameTwoFamiliesShareMustBeQualified() {
    assertThat(
            errors(PolicyFixtures.minimal("  - {id: r, effect: allow, operations: getProperty}\n")))
        .containsExactly(
            "policy.yaml:12:40: operation 'getProperty' in rule 'r' is in more than one API family;"
                + " write software:getProperty or servicedesk:getProperty");
  }

  @Test
  void unknownNamesGetSuggestionsFromEveryFamily() {
    assertThat(
            errors(
                PolicyFixtures.minimal(
                    "  - {id: r, effect: allow, operations: [getAllBoard, software:getIsue, datacenter:curentUser]}\n")))
        .satisfiesExactly(
            e -> assertThat(e).contains("'getAllBoard'").contains("did you mean getAllBoards"),
            e ->
                assertThat(e)
                    .contains("'software:getIsue'")
                    .contains("did you mean software:getIssue"),
            e ->
                assertThat(e)
                    .contains("'datacenter:curentUser'")
                    .contains("did you mean datacenter:currentUser"));
  }

  @Test
  void siteNamingAMissingCredentialIsAnError() {
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
                    .replace("credential: bot", "credential: bto")))
        .singleElement()
        .asString()
        .isEqualTo(
            "policy.yaml:5:17: site 'acme' names credential 'bto', which is not under 'credentials'; did you mean 'bot'?");
  }

  @Test
  void defaultDenyIsReservedAndIdsAreUnique() {
    assertThat(errors(PolicyFixtures.minimal("  - {id: default-deny, effect: deny}\n")))
        .singleElement()
        .asString()
        .contains("'default-deny' is Warden's name");
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: a, effect: deny}\n  - {id: a, effect: allow}\n")))
        .singleElement()
        .asString()
        .contains("rule id 'a' is used twice");
  }

  @Test
  void versionIsRequired() {
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: r, effect: allow}\n").replace("version: 1\n", "")))
        .singleElement()
        .asString()
        .isEqualTo(
            "policy.yaml:1:1: the policy has no 'version'; add version: 1 as its first line");
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
                    .replace("version: 1\n", "version: 2\n")))
        .singleElement()
        .asString()
        .contains("version 2 is not one this Warden reads");
  }

  @Test
  void badSiteUrlsAndGlobsAreErrors() {
    assertThat(
            errors(
                PolicyFixtures.minimal("  - {id: r, effect: allow}\n")
                    .replace("https://acme.atlassian.net", "ftp://acme")))
        .singleElement()
        .asString()
        .contains("must start with https://");
    assertThat(
            errors(PolicyFixtures.minimal("  - {id: r, effect: allow, callers: 'com.acme..X'}\n")))
        .singleElement()
        .asString()
        .contains("is not a class or package glob");
    assertThat(errors(PolicyFixtures.minimal("  - {id: r, effect: allow, methods: [FETCH]}\n")))
        .singleElement()
        .asString()
        .contains("is not an HTTP method");
  }

  @Test
  void syntaxErrorsHaveALocationAndSiteUrlsAreStillFound() {
    LoadResult result =
        loader.parse(
            """
        version: 1
        sites:
          - id: acme
            url: https://acme.atlassian.net
            credential: [unclosed
        """,
            "policy.yaml");
    assertThat(result.valid()).isFalse();
    assertThat(result.errors())
        .singleElement()
        .asString()
        .matches("policy\\.yaml:\\d+:\\d+: not valid YAML: .*");
    assertThat(result.readableSites())
        .extracting(SiteUrl::toString)
        .containsExactly("https://acme.atlassian.net");
  }

  @Test
  void invalidButParsablePolicyStillNamesItsSites() {
    LoadResult result =
        loader.parse(PolicyFixtures.minimal("  - {id: r, effect: maybe}\n"), "policy.yaml");
    assertThat(result.valid()).isFalse();
    assertThat(result.readableSites())
        .extracting(SiteUrl::host)
        .containsExactly("acme.atlassian.net");
  }

  @Test
  void missingFileIsOneClearProblem(@TempDir Path dir) {
    LoadResult result = loader.load(dir.resolve("absent.yaml"), "absent.yaml");
    assertThat(result.errors())
        .singleElement()
        .asString()
        .isEqualTo("absent.yaml:1:1: the policy file does not exist; check the 'policy' setting");
    assertThat(result.readableSites()).isEmpty();
  }

  @Test
  void duplicateKeysAndAliasesAreRejected() {
    assertThat(errors("version: 1\nversion: 1\n"))
        .singleElement()
        .asString()
        .contains("key 'version' appears twice");
  }

  @Test
  void longestContextPathWinsAndOriginMustMatch() {
    Policy policy =
        PolicyFixtures.valid(
            """
        version: 1
        sites:
          - {id: root, url: 'https://jira.corp:8443', credential: c}
          - {id: ctx, url: 'https://jira.corp:8443/jira', credential: c}
        credentials:
          c: {type: bearer, token: '${env:T}'}
        rules: []
        """);
    assertThat(
            policy
                .siteFor(
                    "https",
                    "JIRA.corp",
                    8443,
                    dev.warden.jira.PathSegments.parse("/jira/rest/api/2/myself"))
                .orElseThrow()
                .id())
        .isEqualTo("ctx");
    assertThat(
            policy
                .siteFor(
                    "https",
                    "jira.corp",
                    8443,
                    dev.warden.jira.PathSegments.parse("/rest/api/2/myself"))
                .orElseThrow()
                .id())
        .isEqualTo("root");
    assertThat(
            policy.siteFor("http", "jira.corp", 8443, dev.warden.jira.PathSegments.parse("/rest")))
        .isEmpty();
    assertThat(
            policy.siteFor("https", "jira.corp", 443, dev.warden.jira.PathSegments.parse("/rest")))
        .isEmpty();
  }
}
