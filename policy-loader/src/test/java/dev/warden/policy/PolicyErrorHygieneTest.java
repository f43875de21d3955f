package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A policy that holds a secret by mistake (a literal password, a token in a URL, a password in a
 * store URI, a broken line around one) is refused with errors that say what and where, and none of
 * them repeats the secret: they reach logs, terminals and CI output.
 */
class PolicyErrorHygieneTest {

  static final String SECRET = "s3cr3t-value-do-not-print";

  private final PolicyLoader loader = PolicyLoader.bundled();

  private List<String> errors(String text) {
    LoadResult result = loader.parse(text, "policy.yaml");
    assertThat(result.valid()).as("policy should be invalid").isFalse();
    List<String> errors = result.errors().stream().map(Problem::toString).toList();
    assertThat(errors)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).startsWith("policy.yaml:").doesNotContain(SECRET));
    return errors;
  }

  private static String policy(String site, String credential, String throttles) {
    return """
        version: 1
        sites:
          - {id: jira, url: '%s', credential: bot}
        credentials:
          bot: %s
        throttles:
          t: %s
        rules:
          - {id: r, effect: allow, throttle: t}
        """
        .formatted(site, credential, throttles);
  }

  private static final String SITE = "https://acme.atlassian.net";
  private static final String BASIC =
      "{type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}";
  private static final String THROTTLE = "{capacity: 1, refill: 1/1s}";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{type: basic, username: bot@acme.example, password: '%s'}",
        "{type: basic, username: bot@acme.example, password: 'prefix-%s-${env:X}'}",
        "{type: bearer, token: %s}",
        "{type: oauth2-refresh, token-url: 'https://auth.example/oauth/token', client-id: c, client-secret: %s, refresh-token: '${file:/run/rt}'}",
        "{type: oauth2-refresh, token-url: 'https://auth.example/oauth/token', client-id: c, client-secret: '${env:S}', refresh-token: %s}",
        "{type: oauth2-client-credentials, token-url: 'https://auth.example/oauth/token', client-id: c, client-secret: '%s'}",
        "{type: bearer, token: '${env:X}', tokn: %s}",
        "{type: bearre, token: %s}",
        // Found by fuzzing: a literal before an unterminated reference was quoted.
        "{type: bearer, token: '%s${env:TOKEN'}",
      })
  void aLiteralSecretInACredentialIsNamedButNotRepeated(String credential) {
    List<String> errors = errors(policy(SITE, credential.formatted(SECRET), THROTTLE));
    assertThat(errors).anyMatch(e -> e.contains("credential 'bot'"));
  }

  @Test
  void aPasswordInASiteUrlIsNamedButNotRepeated() {
    assertThat(errors(policy("https://bot:" + SECRET + "@acme.atlassian.net", BASIC, THROTTLE)))
        .containsExactly(
            "policy.yaml:3:21: 'url' of site 'jira': 'https://***@acme.atlassian.net' must not hold user information;"
                + " credentials go under 'credentials'");
    assertThat(errors(policy("ftp://bot:" + SECRET + "@acme.atlassian.net", BASIC, THROTTLE)))
        .hasSize(1);
    assertThat(errors(policy("https://acme.atlassian.net/?token=" + SECRET, BASIC, THROTTLE)))
        .hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://bot:%s#x@acme.atlassian.net",
        "https://bot:%s/x@acme.atlassian.net",
        "https://bot:x?%s@acme.atlassian.net",
        "https://bot:%s@acme atlassian net",
        "https://acme.atlassian.net/#%s",
        "bot:%s@acme.atlassian.net",
      })
  void aSiteUrlThatCannotBeParsedIsNotQuotedWithItsSecret(String url) {
    assertThat(errors(policy(url.formatted(SECRET), BASIC, THROTTLE)))
        .anyMatch(e -> e.contains("'url' of site 'jira'"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "redis://redis:6379?password=%s",
        "redis://redis:6379/0?password=%s",
        "redis://:%s@redis:6379",
        "http://:%s@redis:6379",
        "redis://user:%s@redis:6379/x",
        "redis://:%s@redis:port",
        // Found by fuzzing: a literal before an unterminated reference was quoted.
        "redis://:%s${@redis:6379",
        "redis://:%s${env:@redis:6379",
      })
  void aPasswordInAStoreUriIsNamedButNotRepeated(String store) {
    List<String> errors =
        errors(
            policy(
                SITE,
                BASIC,
                "{capacity: 1, refill: 1/1s, store: '" + store.formatted(SECRET) + "'}"));
    assertThat(errors).anyMatch(e -> e.contains("'store' of throttle 't'"));
  }

  @Test
  void brokenYamlAroundASecretSaysWhereWithoutQuotingTheLine() {
    List<String> errors =
        errors(
            policy(
                SITE,
                "{type: basic, username: bot@acme.example, password: \"" + SECRET + "}",
                THROTTLE));
    assertThat(errors).anyMatch(e -> e.contains("not valid YAML"));
    errors(
        "version: 1\nsites:\n  - {id: jira, url: '"
            + SITE
            + "', credential: bot}\ncredentials:\n  bot:\n    password: "
            + SECRET
            + "\n   type: basic\n");
    errors("version: 1\n\tcredentials: " + SECRET + "\n");
  }
}
