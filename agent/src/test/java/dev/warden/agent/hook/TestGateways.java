package dev.warden.agent.hook;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.WardenClock;
import dev.warden.agent.policy.PolicyHolder;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.secret.SecretResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A real gateway over a policy for one local site, for testing hook adapters without an agent. */
public final class TestGateways {

  public static final String TOKEN = "adapter-test-token";

  private TestGateways() {}

  /**
   * A gateway whose site is {@code siteUrl}: reads (and GETs of unknown paths) allowed, identical
   * concurrent project reads coalesced, deletes denied, creates only in OPS.
   */
  public static Gateway forSite(Path dir, String siteUrl, List<AuditRecord> records)
      throws IOException {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        version: 1
        sites:
          - {id: local, url: '%s', credential: bot}
        credentials:
          bot: {type: bearer, token: '${env:TOKEN}'}
        rules:
          - {id: creates, effect: allow, operations: createIssue, projects: OPS}
          - {id: shared, effect: allow, operations: getProject, coalesce: true}
          - {id: reads, effect: allow, operations: [read:jira-work, unscoped]}
          - {id: unknown-reads, effect: allow, operations: unknown, methods: GET}
        """
            .formatted(siteUrl));
    PolicyHolder holder =
        new PolicyHolder(
            policy,
            RouteCatalog.bundled(),
            new SecretResolver(Map.of("TOKEN", TOKEN)::get),
            System::nanoTime);
    holder.loadInitial();
    return new Gateway(
        holder,
        records::add,
        new ThrottleRegistry(),
        WardenClock.SYSTEM,
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r);
              t.setDaemon(true);
              return t;
            }));
  }

  public static List<AuditRecord> records() {
    return new CopyOnWriteArrayList<>();
  }
}
