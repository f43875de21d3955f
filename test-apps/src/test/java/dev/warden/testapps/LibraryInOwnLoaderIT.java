package dev.warden.testapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.testapps.fakejira.Received;
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
            .args(issue, "own:" + okhttp)
            .run();
    AppRun without =
        new AppLauncher().mainClass("com.acme.ChildLoaderProbe").args(issue, "own:" + okhttp).run();

    assertThat(with.stdout())
        .as(with.all())
        .anySatisfy(line -> assertThat(line).startsWith("copy=own").endsWith("status=200"));
    assertThat(without.stdout())
        .as("no agent, no credential")
        .anySatisfy(line -> assertThat(line).endsWith("status=401"));
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
        .containsEntry("warden.caller", "com.acme.ChildLoaderProbe.call")
        .containsEntry("http.response.status_code", 200L);
  }

  /**
   * Three OkHttp versions in one JVM: 4.12 on the application's class path, 5.5 in a web
   * application's child-first loader that shadows it, 3.12 in a loader of its own. Each copy is
   * hooked on its own and each call is guarded.
   */
  @Test
  void everyCopyOfAClientInItsOwnLoaderIsGuarded() throws Exception {
    Path policy = harness.policy(PolicyLifecycleIT.VALID);
    String issue = harness.jira.url() + "/rest/api/2/issue/OPS-1";
    String[] copies = {
      issue,
      "app",
      "webapp:" + AppLauncher.libraryClasspath("okhttp-5.5"),
      "own:" + AppLauncher.libraryClasspath("okhttp-3.12")
    };

    AppRun with =
        harness
            .app(policy)
            .library("okhttp-4.12")
            .mainClass("com.acme.ChildLoaderProbe")
            .args(copies)
            .run();
    java.util.List<Received> guarded = harness.jira.journal().all();
    AppRun without =
        new AppLauncher()
            .library("okhttp-4.12")
            .mainClass("com.acme.ChildLoaderProbe")
            .args(copies)
            .run();

    assertThat(with.stdout().stream().filter(l -> l.startsWith("copy=")))
        .as(with.all())
        .satisfiesExactly(
            app -> assertThat(app).startsWith("copy=app jar=okhttp-4.12").endsWith("status=200"),
            webapp ->
                assertThat(webapp)
                    .startsWith("copy=webapp jar=okhttp-jvm-5.5")
                    .endsWith("status=200"),
            own -> assertThat(own).startsWith("copy=own jar=okhttp-3.12").endsWith("status=200"));
    assertThat(without.stdout().stream().filter(l -> l.startsWith("copy=")))
        .as("no agent, no credential: %s", without.all())
        .hasSize(3)
        .allSatisfy(line -> assertThat(line).endsWith("status=401"));
    assertThat(guarded)
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.principal()).isEqualTo("basic:" + Harness.USER))
        .extracting(r -> r.header("User-Agent").replaceAll("\\.[0-9]+$", ""))
        .containsExactly("okhttp/4.12", "okhttp/5.5", "okhttp/3.12");
    assertThat(harness.spans(s -> s.name().startsWith("GET /rest/api/2/issue/"), 3))
        .hasSize(3)
        .allSatisfy(
            span ->
                assertThat(span.attributes())
                    .containsEntry("warden.decision", "allow")
                    .containsEntry("warden.caller", "com.acme.ChildLoaderProbe.call"));
  }
}
