package dev.warden.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.bootstrap.Hooks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenarios every library hook's adapter passes on its own, in the test JVM: the hooks woven
 * into the library on the test class path, a real gateway over a policy for a local site, a local
 * server as Jira and another as a host that is not Jira. Subclasses send a request through their
 * client. No advice may throw while they run.
 */
public abstract class HookTestBase {

  /** What the application's client handed back. */
  public record Reply(int status, String decision, String body) {}

  @TempDir protected Path dir;
  protected LocalJira server;
  protected LocalJira elsewhere;
  protected final List<AuditRecord> records = TestGateways.records();
  private long suppressedBefore;

  @BeforeAll
  static void agent() {
    InJvmAgent.install();
  }

  @BeforeEach
  void startServers() throws Exception {
    server = new LocalJira();
    elsewhere = new LocalJira();
    server.redirectAwayTo(elsewhere.url() + "/media/1");
    HookSupport.install(TestGateways.forSite(dir, server.url(), records));
    suppressedBefore = Hooks.suppressedCount();
  }

  @AfterEach
  void stopServers() {
    try {
      assertThat(Hooks.suppressedCount())
          .as("errors the advice suppressed")
          .isEqualTo(suppressedBefore);
    } finally {
      HookSupport.install(null);
      server.close();
      elsewhere.close();
    }
  }

  /** Sends a request through the client under test, following redirects, and reads its response. */
  protected abstract Reply send(String method, String url, Map<String, String> headers)
      throws Exception;

  @Test
  void anAllowedCallCarriesTheSiteCredentialInPlaceOfTheApplications() throws Exception {
    Reply reply =
        send("GET", server.url() + "/rest/api/2/issue/OPS-1", Map.of("Authorization", "Basic app"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("{\"path\":\"/rest/api/2/issue/OPS-1\"}");
    assertThat(server.received)
        .singleElement()
        .satisfies(
            got -> assertThat(got.authorization()).isEqualTo("Bearer " + TestGateways.TOKEN));
    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.attribute("warden.decision")).isEqualTo("allow");
              assertThat(r.attribute("http.response.status_code")).isEqualTo(200L);
            });
  }

  @Test
  void aDeniedDeleteNeverReachesJiraAndTheApplicationGetsA403() throws Exception {
    Reply reply = send("DELETE", server.url() + "/rest/api/2/issue/OPS-1", Map.of());

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.decision()).isEqualTo("deny");
    assertThat(reply.body()).contains("denied by rule default-deny");
    assertThat(server.received).isEmpty();
    assertThat(records)
        .singleElement()
        .satisfies(r -> assertThat(r.attribute("warden.decision")).isEqualTo("deny"));
  }

  @Test
  void aRedirectToAnotherHostCarriesNoCredential() throws Exception {
    Reply reply = send("GET", server.url() + "/away", Map.of("Cookie", "JSESSIONID=app-session"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(server.received)
        .singleElement()
        .satisfies(
            got -> {
              assertThat(got.authorization()).isEqualTo("Bearer " + TestGateways.TOKEN);
              assertThat(got.cookie()).isNull();
            });
    assertThat(elsewhere.received)
        .singleElement()
        .satisfies(
            got -> {
              assertThat(got.path()).isEqualTo("/media/1");
              assertThat(got.authorization()).isNull();
              assertThat(String.valueOf(got.cookie())).doesNotContain("app-session");
            });
  }

  @Test
  void aRequestToAnotherHostIsUntouched() throws Exception {
    Reply reply = send("GET", elsewhere.url() + "/anything", Map.of("Authorization", "Basic app"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(elsewhere.received)
        .singleElement()
        .satisfies(got -> assertThat(got.authorization()).isEqualTo("Basic app"));
    assertThat(records).isEmpty();
  }
}
