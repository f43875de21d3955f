package dev.warden.testapps;

import static dev.warden.testapps.Steps.awaitFile;
import static dev.warden.testapps.Steps.call;
import static dev.warden.testapps.Steps.touchFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.fakejira.Received;
import dev.warden.testapps.redis.RedisServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secret sources in a real JVM ({@code ${file:}} changed while it runs, {@code ${pkcs12:}} with the
 * store password from the environment), and the failure paths a secret could leak through: Jira
 * refusing the credential, a policy that holds secrets by mistake, a token endpoint refusing the
 * client, a store refusing its password. Every run is at {@code log.level=debug} with an audit
 * file, and no secret appears in its output, its log, its spans or its audit file.
 */
class SecretsIT {

  @RegisterExtension static final Harness harness = new Harness();

  static final String READS =
      "  - {id: reads, effect: allow, operations: [read:jira-work, read:jira-user, unscoped]}\n";

  Path policy(String passwordReference) throws Exception {
    return harness.policy(
        """
        version: 1
        sites:
          - {id: jira, url: '{jira}', credential: bot}
        credentials:
          bot: {type: basic, username: %s, password: '%s'}
        rules:
        """
                .formatted(Harness.USER, passwordReference)
            + READS);
  }

  record Run(AppRun run, Path audit) {}

  Run run(AppLauncher app, List<Map<String, Object>> steps) throws Exception {
    Path audit = harness.dir.resolve("audit-" + System.nanoTime() + ".jsonl");
    AppRun run =
        app.agentArgument("log.level", "debug")
            .agentArgument("audit.file", audit.toString())
            .args(harness.steps(steps).toString())
            .run();
    return new Run(run, audit);
  }

  void noneIn(Run run, String... secrets) throws Exception {
    List<String> all = new ArrayList<>();
    for (String secret : secrets) {
      all.add(secret);
      all.add(
          Base64.getEncoder()
              .encodeToString((Harness.USER + ":" + secret).getBytes(StandardCharsets.UTF_8)));
    }
    List<String> outputs = harness.outputs(run.run(), run.audit());
    for (String secret : all) {
      assertThat(outputs).noneSatisfy(text -> assertThat(text).contains(secret));
    }
  }

  static Map<String, Object> get() {
    return call("sync", "GET", "{jira}/rest/api/2/issue/OPS-1");
  }

  @Test
  void aSecretChangedInItsFileIsUsedWithoutARestart() throws Exception {
    Path file = harness.dir.resolve("jira-token-" + System.nanoTime());
    Files.writeString(file, harness.token + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    String stale = "stale-token-" + java.util.UUID.randomUUID();
    Path first = harness.dir.resolve("first-" + System.nanoTime());
    Path changed = harness.dir.resolve("changed-" + System.nanoTime());
    Path restored = harness.dir.resolve("restored-" + System.nanoTime());
    Path audit = harness.dir.resolve("audit-" + System.nanoTime() + ".jsonl");
    AppLauncher.Running app =
        harness
            .app(policy("${file:" + file + "}"))
            .agentArgument("log.level", "debug")
            .agentArgument("audit.file", audit.toString())
            .args(
                harness
                    .steps(
                        List.of(
                            get(),
                            touchFile(first.toString()),
                            awaitFile(changed.toString()),
                            Steps.with(new LinkedHashMap<>(), "sleep", 1200),
                            get(),
                            touchFile(restored.toString()),
                            awaitFile(changed + ".back"),
                            Steps.with(new LinkedHashMap<>(), "sleep", 1200),
                            get()))
                    .toString())
            .start();
    OAuthIT.await(first);
    // The secret is rotated in place (as a Kubernetes secret volume does): the running JVM sends
    // the new value.
    Files.writeString(file, stale + "\n");
    Files.createFile(changed);
    OAuthIT.await(restored);
    Files.writeString(file, harness.token + "\n");
    Files.createFile(Path.of(changed + ".back"));
    AppRun run = app.await();

    assertThat(run.steps())
        .extracting(s -> s.path("status").asInt())
        .as(run.toString())
        .containsExactly(200, 401, 200);
    assertThat(harness.jira.journal().all())
        .extracting(Received::principal)
        .containsExactly("basic:" + Harness.USER, null, "basic:" + Harness.USER);
    noneIn(new Run(run, audit), harness.token, stale);
  }

  @Test
  void aPkcs12EntryIsReadWithTheStorePasswordFromTheEnvironmentOnly() throws Exception {
    String storePassword = "store-pass-" + java.util.UUID.randomUUID();
    Path store = harness.dir.resolve("jira-" + System.nanoTime() + ".p12");
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, storePassword.toCharArray());
    keyStore.setEntry(
        "jira-bot",
        new KeyStore.SecretKeyEntry(
            new SecretKeySpec(harness.token.getBytes(StandardCharsets.UTF_8), "AES")),
        new KeyStore.PasswordProtection(storePassword.toCharArray()));
    try (OutputStream out = Files.newOutputStream(store)) {
      keyStore.store(out, storePassword.toCharArray());
    }
    Path policy = policy("${pkcs12:" + store + "#jira-bot}");

    Run ok =
        run(harness.app(policy).env("WARDEN_KEYSTORE_PASSWORD", storePassword), List.of(get()));
    assertThat(ok.run().step(1).path("status").asInt()).as(ok.run().toString()).isEqualTo(200);
    assertThat(harness.jira.journal().all())
        .extracting(Received::principal)
        .containsExactly("basic:" + Harness.USER);

    // A system property is not where the store password comes from (ps shows it): without the
    // variable, a 503 naming it.
    Run missing =
        run(
            harness.app(policy).javaOption("-DWARDEN_KEYSTORE_PASSWORD=" + storePassword),
            List.of(get()));
    assertThat(missing.run().step(1).path("status").asInt()).isEqualTo(503);
    assertThat(missing.run().step(1).path("body").asText())
        .contains("credential 'bot'")
        .contains("WARDEN_KEYSTORE_PASSWORD is not set");

    Run wrong =
        run(
            harness.app(policy).env("WARDEN_KEYSTORE_PASSWORD", "wrong-" + storePassword),
            List.of(get()));
    assertThat(wrong.run().step(1).path("status").asInt()).isEqualTo(503);
    assertThat(wrong.run().step(1).path("body").asText()).contains("cannot be opened");
    for (Run run : List.of(ok, wrong)) {
      noneIn(run, harness.token, storePassword);
    }
    // The command line holds it in that one run, by the test's own doing; its Warden output still
    // does not.
    assertThat(missing.run().wardenLog())
        .noneMatch(l -> l.contains(storePassword) || l.contains(harness.token));
  }

  @Test
  void jiraRefusingTheCredentialLeavesNoSecretAnywhere() throws Exception {
    String wrong = "wrong-token-" + java.util.UUID.randomUUID();
    Run run =
        run(
            harness.app(policy("${env:JIRA_TOKEN}")).env("JIRA_TOKEN", wrong),
            List.of(get(), call("sync", "GET", "{jira}/rest/api/2/myself")));
    assertThat(run.run().steps())
        .extracting(s -> s.path("status").asInt())
        .containsExactly(401, 401);
    assertThat(run.run().step(1).path("body").asText())
        .as("Jira's own answer reaches the application")
        .contains("errorMessages");
    harness.spans(s -> "401".equals(String.valueOf(s.attribute("http.response.status_code"))), 2);
    noneIn(run, wrong);
  }

  @Test
  void aPolicyHoldingSecretsByMistakeFailsClosedAndSaysWhereButNotWhat() throws Exception {
    String literal = "literal-" + java.util.UUID.randomUUID();
    Path policy =
        harness.policy(
            """
        version: 1
        sites:
          - {id: jira, url: '{jira}', credential: bot}
          - {id: other, url: 'https://bot:%s@other.atlassian.net', credential: bot}
        credentials:
          bot: {type: basic, username: %s, password: %s}
        rules:
        """
                    .formatted(literal, Harness.USER, literal)
                + READS);
    Run run = run(harness.app(policy), List.of(get()));
    assertThat(run.run().step(1).path("status").asInt()).as(run.run().toString()).isEqualTo(503);
    assertThat(harness.jira.journal().all()).isEmpty();
    assertThat(run.run().wardenLog())
        .anyMatch(
            l ->
                l.contains(policy + ":6:")
                    && l.contains("literal secret")
                    && l.contains("1 more problem"));
    noneIn(run, literal, harness.token);
    AppRun check = CliIT.cli("check", policy.toString());
    assertThat(check.stdout())
        .hasSize(2)
        .anyMatch(
            l -> l.startsWith(policy + ":4:") && l.contains("'https://***@other.atlassian.net'"));
    assertThat(check.all()).doesNotContain(literal);
  }

  @Test
  void aTokenEndpointRefusingTheClientLeavesNoSecretAnywhere() throws Exception {
    String wrong = "wrong-client-secret-" + java.util.UUID.randomUUID();
    harness.oauth.client("svc-hygiene", "right-" + wrong);
    Path policy =
        harness.policy(
            """
        version: 1
        sites:
          - {id: jira, url: '{jira}', credential: svc}
        credentials:
          svc: {type: oauth2-client-credentials, token-url: '{oauth}', client-id: svc-hygiene, client-secret: '${env:SVC_SECRET}'}
        rules:
        """
                + READS);
    Run run = run(harness.app(policy).env("SVC_SECRET", wrong), List.of(get()));
    assertThat(run.run().step(1).path("status").asInt()).isEqualTo(503);
    assertThat(run.run().step(1).path("body").asText())
        .contains("credential 'svc'")
        .contains("answered 401 access_denied");
    noneIn(run, wrong, "right-" + wrong);
  }

  @Test
  void aStoreRefusingItsPasswordLeavesNoSecretAnywhere() throws Exception {
    String right = "redis-right-" + java.util.UUID.randomUUID();
    String wrong = "redis-wrong-" + java.util.UUID.randomUUID();
    try (RedisServer redis = RedisServer.start(harness.dir.resolve("redis-hygiene"), right)) {
      String store = "redis://:${env:REDIS_PASSWORD}@127.0.0.1:" + redis.port();
      Path policy =
          harness.policy(
              """
          version: 1
          sites:
            - {id: jira, url: '{jira}', credential: bot}
            - {id: app, url: '{jira}/app', credential: app}
          credentials:
            bot: {type: basic, username: %s, password: '${env:JIRA_TOKEN}'}
            app: {type: oauth2-refresh, token-url: '{oauth}', client-id: c, client-secret: '${env:JIRA_TOKEN}',
                  refresh-token: '${env:JIRA_TOKEN}', store: '%s'}
          throttles:
            fleet: {capacity: 5, refill: 5/1s, store: '%s'}
          rules:
            - {id: reads, effect: allow, operations: [read:jira-work, read:jira-user, unscoped], throttle: fleet}
          """
                  .formatted(Harness.USER, store, store));
      Run run =
          run(
              harness.app(policy).env("REDIS_PASSWORD", wrong),
              List.of(get(), call("sync", "GET", "{jira}/app/rest/api/2/myself")));
      // The throttle goes on with a local bucket; the shared OAuth state cannot be used, so its
      // site is answered 503.
      assertThat(run.run().steps())
          .extracting(s -> s.path("status").asInt())
          .as(run.run().toString())
          .containsExactly(200, 503);
      assertThat(run.run().step(2).path("body").asText())
          .contains("credential 'app'")
          .contains("store redis://:${env:REDIS_PASSWORD}@");
      noneIn(run, wrong, right, harness.token);
    }
  }
}
