package dev.warden.agent.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.pipeline.WardenClock;
import dev.warden.agent.policy.PolicyHolder;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.secret.SecretResolver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket hook's adapter: what {@code unmanaged-egress} does with a connection no hooked client
 * made.
 */
class UnmanagedEgressTest {

  @TempDir Path dir;
  final List<AuditRecord> records = new CopyOnWriteArrayList<>();
  final ManagedConnections managed = new ManagedConnections();

  UnmanagedEgress egress(String mode, String dryRun) throws Exception {
    Path file = dir.resolve("policy-" + mode + "-" + dryRun + ".yaml");
    Files.writeString(
        file,
        """
        version: 1
        mode: %s
        unmanaged-egress: %s
        sites:
          - {id: acme, url: 'https://acme.atlassian.net:8443', credential: bot}
        credentials:
          bot: {type: bearer, token: '${env:T}'}
        rules:
          - {id: all, effect: allow}
        """
            .formatted(dryRun, mode));
    PolicyHolder holder =
        new PolicyHolder(
            file,
            RouteCatalog.bundled(),
            new SecretResolver(Map.of("T", "t")::get),
            System::nanoTime);
    holder.loadInitial();
    return new UnmanagedEgress(holder, managed, records::add, WardenClock.SYSTEM);
  }

  @Test
  void blockRefusesARawConnectionToASiteAndAuditsIt() throws Exception {
    String refused =
        egress("block", "enforce")
            .connecting(InetSocketAddress.createUnresolved("acme.atlassian.net", 8443));

    assertThat(refused).startsWith("warden: connection to acme.atlassian.net:8443 refused");
    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.name()).isEqualTo("CONNECT acme.atlassian.net:8443");
              assertThat(r.attribute("warden.decision")).isEqualTo("unmanaged");
              assertThat(r.attribute("server.port")).isEqualTo(8443L);
            });
  }

  @Test
  void auditAndDryRunLetItThroughButRecordIt() throws Exception {
    assertThat(
            egress("audit", "enforce")
                .connecting(InetSocketAddress.createUnresolved("acme.atlassian.net", 8443)))
        .isNull();
    assertThat(
            egress("block", "dry-run")
                .connecting(InetSocketAddress.createUnresolved("acme.atlassian.net", 8443)))
        .isNull();
    assertThat(records).hasSize(2);
  }

  @Test
  void aHookedClientsOwnConnectionOtherPortsAndOffAreLeftAlone() throws Exception {
    UnmanagedEgress block = egress("block", "enforce");
    String key = managed.begin(URI.create("https://acme.atlassian.net:8443/rest/api/2/myself"));
    try {
      assertThat(block.connecting(InetSocketAddress.createUnresolved("acme.atlassian.net", 8443)))
          .isNull();
    } finally {
      managed.end(key);
    }
    assertThat(block.connecting(InetSocketAddress.createUnresolved("acme.atlassian.net", 443)))
        .isNull();
    assertThat(block.connecting(InetSocketAddress.createUnresolved("example.com", 8443))).isNull();
    assertThat(
            egress("off", "enforce")
                .connecting(InetSocketAddress.createUnresolved("acme.atlassian.net", 8443)))
        .isNull();
    assertThat(records).isEmpty();
  }
}
