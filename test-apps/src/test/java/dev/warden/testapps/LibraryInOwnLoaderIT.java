package dev.warden.testapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.otlp.ReceivedSpan;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hooked library that is not on the class path the JVM started with, but in a class loader of the
 * application's own (as in a Spring Boot jar or an application server): Warden sets Byte Buddy up
 * when the library's first hooked class loads, and that class waits for it, so the call is still
 * guarded.
 */
class LibraryInOwnLoaderIT {

  @RegisterExtension static final Harness harness = new Harness();

  @Test
  void byteBuddyIsSetUpWhenTheLibraryFirstLoadsAndItsCallIsGuarded() throws Exception {
    Path policy = harness.policy(PolicyLifecycleIT.VALID);
    String okhttp = AppLauncher.libraryClasspath("okhttp-4.12");
    String issue = harness.jira.url() + "/rest/api/2/issue/OPS-1";

    AppRun with =
        harness
            .app(policy)
            .agentArgument("log.level", "debug")
            .mainClass("com.acme.ChildLoaderProbe")
            .args(okhttp, issue)
            .run();
    AppRun without =
        new AppLauncher().mainClass("com.acme.ChildLoaderProbe").args(okhttp, issue).run();

    assertThat(with.stdout()).as(with.all()).contains("status=200");
    assertThat(without.stdout()).as("no agent, no credential").contains("status=401");
    assertThat(with.wardenLog()).contains("[warden] debug: hooked okhttp3.OkHttpClient");
    assertThat(harness.jira.journal().matching(r -> r.principal() != null))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path()).isEqualTo("/rest/api/2/issue/OPS-1");
              assertThat(r.principal()).isEqualTo("basic:" + Harness.USER);
            });
    ReceivedSpan span = harness.spans(s -> s.name().startsWith("GET /rest/api/2/issue/"), 1).get(0);
    assertThat(span.attributes())
        .containsEntry("warden.decision", "allow")
        .containsEntry("warden.caller", "com.acme.ChildLoaderProbe.main")
        .containsEntry("http.response.status_code", 200L);
  }
}
