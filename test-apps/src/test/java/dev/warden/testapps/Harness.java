package dev.warden.testapps;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.testapps.fakejira.EchoServer;
import dev.warden.testapps.fakejira.FakeJira;
import dev.warden.testapps.fakejira.Tls;
import dev.warden.testapps.otlp.OtlpReceiver;
import dev.warden.testapps.otlp.ReceivedSpan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an end-to-end test needs: a fake Jira (HTTP and HTTPS), a host that is not Jira, an OTLP
 * receiver, a work directory, and the secret the policy's credential resolves to.
 */
public final class Harness implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  public static final String USER = "bot@acme.example";
  public static final ObjectMapper JSON = new ObjectMapper();

  /** The API token the credential resolves to: the secret no output may ever show. */
  public final String token = "tok-" + UUID.randomUUID();

  public EchoServer echo;
  public FakeJira jira;

  /** Atlassian's token endpoint, faked: the fake Jira accepts the access tokens it issues. */
  public dev.warden.testapps.fakejira.FakeOAuth oauth;

  public OtlpReceiver otlp;
  public Tls tls;
  public Path dir;

  /**
   * Register with {@code @RegisterExtension static final Harness harness = new Harness();}: started
   * before the class's tests, cleared before each.
   */
  public Harness() {}

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path work = Path.of(System.getProperty("warden.work.dir", "target/it-work"));
    this.dir =
        Files.createDirectories(
            work.resolve(context.getRequiredTestClass().getSimpleName() + "-" + System.nanoTime()));
    this.tls = Tls.in(work.resolve("tls"));
    this.echo = EchoServer.start();
    this.oauth = dev.warden.testapps.fakejira.FakeOAuth.start();
    this.jira =
        FakeJira.builder()
            .basicUser(USER, token)
            .mediaHost(echo.url())
            .tls(tls)
            .oauth(oauth)
            .start();
    this.otlp = OtlpReceiver.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    otlp.close();
    jira.close();
    oauth.close();
    echo.close();
  }

  /**
   * The {@code Authorization} value Warden should send: the secret in another form, also never to
   * be shown.
   */
  public String expectedAuthorization() {
    return "Basic "
        + Base64.getEncoder().encodeToString((USER + ":" + token).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The policy of a sync job written with a Jira client library whose classes are under {@code
   * callers}: reads and, in project OPS, creates, comments and transitions; deletes denied.
   */
  public static String librarySyncPolicy(String callers) {
    return """
        version: 1
        sites:
          - {id: jira, url: '{jira}', credential: bot}
        credentials:
          bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
        rules:
          - {id: no-deletes, effect: deny, operations: deleteIssue}
          - {id: sync-writes, effect: allow, callers: %1$s, operations: [createIssue, addComment, doTransition], projects: OPS}
          - {id: sync-reads, effect: allow, callers: %1$s, operations: [read:jira-work]}
        """
        .formatted(callers);
  }

  /** A policy with the fake Jira's URLs filled in for {@code {jira}} and {@code {jira-tls}}. */
  public Path policy(String yaml) throws IOException {
    Path file = dir.resolve("policy-" + System.nanoTime() + ".yaml");
    return write(file, yaml);
  }

  public Path write(Path file, String text) throws IOException {
    String filled =
        text.replace("{jira}", jira.url().toString())
            .replace("{jira-port}", Integer.toString(jira.url().getPort()))
            .replace("{jira-tls}", jira.httpsUrl().toString())
            .replace("{echo}", echo.url().toString())
            .replace("{oauth}", oauth.tokenUrl().toString());
    Files.writeString(file, filled);
    return file;
  }

  /** A steps file for the sample application. */
  public Path steps(List<Map<String, Object>> steps) throws IOException {
    String text =
        JSON.writeValueAsString(steps)
            .replace("{jira}", jira.url().toString())
            .replace("{jira-port}", Integer.toString(jira.url().getPort()))
            .replace("{jira-tls}", jira.httpsUrl().toString())
            .replace("{echo}", echo.url().toString());
    Path file = dir.resolve("steps-" + System.nanoTime() + ".json");
    Files.writeString(file, text);
    return file;
  }

  /**
   * The sample application with the agent, the policy, OTLP to the receiver and the secret in its
   * environment.
   */
  public AppLauncher app(Path policy, String client) {
    return app(policy).args("--client", client);
  }

  /**
   * An application JVM with the agent, the policy, OTLP to the receiver and the secret in its
   * environment.
   */
  public AppLauncher app(Path policy) {
    return new AppLauncher()
        .agent(AppLauncher.builtAgent())
        .agentArgument("policy", policy.toString())
        .env("JIRA_TOKEN", token)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint().toString())
        .env("OTEL_SERVICE_NAME", "acme-jira-sync")
        .env("OTEL_BSP_SCHEDULE_DELAY", "50")
        .javaOptions(tls.clientOptions());
  }

  /** Spans that match, waiting up to ten seconds for {@code count} of them. */
  public List<ReceivedSpan> spans(Predicate<ReceivedSpan> filter, int count)
      throws InterruptedException {
    return otlp.await(filter, count, Duration.ofSeconds(10));
  }

  /** Every place a secret could leak to, as text. */
  public List<String> outputs(AppRun run, Path... files) throws IOException {
    List<String> texts = new ArrayList<>();
    texts.add(run.all());
    for (Path file : files) {
      if (Files.exists(file)) {
        texts.add(Files.readString(file));
      }
    }
    texts.add(otlp.spans().toString());
    return texts;
  }

  public void clear() {
    jira.journal().clear();
    jira.clearScripted();
    echo.journal().clear();
    otlp.clear();
  }
}
