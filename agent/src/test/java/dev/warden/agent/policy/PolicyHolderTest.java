package dev.warden.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.jira.RouteCatalog;
import dev.warden.policy.Policy;
import dev.warden.policy.secret.SecretResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyHolderTest {

  static final String POLICY =
      """
      version: 1
      sites:
        - {id: acme, url: 'https://acme.atlassian.net', credential: bot}
      credentials:
        bot: {type: bearer, token: '${env:TOKEN}'}
      rules:
        - {id: reads, effect: allow, operations: read:jira-work}
      """;

  @TempDir Path dir;

  PolicyHolder holder(Path file) {
    return new PolicyHolder(
        file,
        RouteCatalog.bundled(),
        new SecretResolver(Map.of("TOKEN", "t")::get),
        System::nanoTime);
  }

  @Test
  void everyPolicyThatComesIntoForceIsAnnouncedOnce() throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, POLICY);
    PolicyHolder holder = holder(file);
    List<Policy> announced = new CopyOnWriteArrayList<>();
    holder.whenActive(announced::add);

    holder.loadInitial();
    assertThat(announced).hasSize(1);
    assertThat(announced.get(0).rules()).hasSize(1);

    Files.writeString(file, POLICY + "  - {id: creates, effect: allow, operations: createIssue}\n");
    holder.reload();
    assertThat(announced).hasSize(2);
    assertThat(announced.get(1).rules()).hasSize(2);

    Files.writeString(file, "version: 1\nsites: [");
    holder.reload();
    assertThat(announced).as("a broken file puts no policy in force").hasSize(2);
  }

  @Test
  void theLoadingThreadDoesNotWaitForItself() throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, POLICY);
    AtomicReference<PolicyState> seenWhileLoading = new AtomicReference<>();
    AtomicReference<PolicyHolder> holder = new AtomicReference<>();
    // Something the load runs that makes a request (a hooked socket asks the policy).
    holder.set(
        new PolicyHolder(
            file,
            () -> {
              seenWhileLoading.set(holder.get().current());
              return RouteCatalog.bundled();
            },
            new SecretResolver(Map.of("TOKEN", "t")::get),
            System::nanoTime));

    holder.get().loadInitial();

    assertThat(seenWhileLoading.get())
        .isInstanceOfSatisfying(
            PolicyState.Unusable.class,
            unusable -> assertThat(unusable.reason()).contains("still loading"));
    assertThat(holder.get().current()).isInstanceOf(PolicyState.Active.class);
  }
}
