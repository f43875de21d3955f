package dev.warden.agent.caller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallerFinderTest {

  static StackTraceElement frame(String className, String method) {
    return new StackTraceElement(className, method, null, 1);
  }

  static StackTraceElement[] stack(StackTraceElement... frames) {
    return frames;
  }

  @Test
  void skipsTheJdkClientsFrameworksAndJiraLibrariesToFindTheApplication() {
    CallerFinder finder = new CallerFinder(List.of());
    Caller caller =
        finder.find(
            stack(
                frame("dev.warden.agent.pipeline.Gateway", "handle"),
                frame("jdk.internal.net.http.HttpClientImpl", "sendAsync"),
                frame("java.net.http.HttpClient", "send"),
                frame("org.apache.hc.client5.http.impl.classic.CloseableHttpClient", "execute"),
                frame("org.springframework.web.client.RestTemplate", "exchange"),
                frame("net.rcarz.jiraclient.RestClient", "get"),
                frame("com.acme.sync.SyncJob", "pull"),
                frame("com.acme.Main", "main")));
    assertThat(caller).isEqualTo(new Caller("com.acme.sync.SyncJob", "pull"));
    assertThat(caller.qualifiedMethod()).isEqualTo("com.acme.sync.SyncJob.pull");
  }

  @Test
  void nestedLambdaAndProxyClassesCountAsTheirDeclaringClass() {
    CallerFinder finder = new CallerFinder(List.of());
    assertThat(finder.find(stack(frame("com.acme.Bot$1", "run"))))
        .isEqualTo(new Caller("com.acme.Bot", "run"));
    assertThat(finder.find(stack(frame("com.acme.Bot$$Lambda/0x0000000800c01234", "accept"))))
        .isEqualTo(new Caller("com.acme.Bot", "accept"));
    assertThat(finder.find(stack(frame("com.acme.Bot$$SpringCGLIB$$0", "sync"))))
        .isEqualTo(new Caller("com.acme.Bot", "sync"));
    assertThat(finder.find(stack(frame("com.acme.Bot", "lambda$sync$3"))))
        .isEqualTo(new Caller("com.acme.Bot", "sync"));
  }

  @Test
  void classesAFrameworkGeneratesForADeclarativeClientAreNotTheApplication() {
    CallerFinder finder = new CallerFinder(List.of());
    // Quarkus: the bean calls the injected client's CDI wrapper, which calls the generated
    // implementation of the interface.
    assertThat(
            finder.find(
                stack(
                    frame(
                        "org.jboss.resteasy.reactive.client.impl.InvocationBuilderImpl", "method"),
                    frame("com.acme.JiraApi$$QuarkusRestClientInterface", "getIssue"),
                    frame("com.acme.JiraApi$$CDIWrapper", "getIssue"),
                    frame("com.acme.JiraApi$$CDIWrapper_ClientProxy", "getIssue"),
                    frame("com.acme.IssueBot", "sync"),
                    frame("com.acme.IssueBot_ClientProxy", "sync"),
                    frame("com.acme.Main", "run"))))
        .isEqualTo(new Caller("com.acme.IssueBot", "sync"));
    // Micronaut: the declarative client's introduced implementation; an advised bean's subclass
    // calls the bean's own method, whose frame comes first.
    assertThat(
            finder.find(
                stack(
                    frame("io.micronaut.http.client.interceptor.HttpClientIntroductionAdvice", "x"),
                    frame("com.acme.JiraClient$Intercepted", "getIssue"),
                    frame("com.acme.Syncer", "sync"),
                    frame("com.acme.Syncer$Intercepted", "sync"))))
        .isEqualTo(new Caller("com.acme.Syncer", "sync"));
    // Only the generated names: an application class that merely contains the word is its own.
    assertThat(finder.find(stack(frame("com.acme.Foo$InterceptedHandler", "handle"))))
        .isEqualTo(new Caller("com.acme.Foo", "handle"));
  }

  @Test
  void callerSkipGlobsSkipTheTeamsOwnWrapper() {
    CallerFinder finder = new CallerFinder(List.of("com.acme.platform.jira.**", "com.acme.util.*"));
    Caller caller =
        finder.find(
            stack(
                frame("com.acme.platform.jira.http.JiraHttp", "send"),
                frame("com.acme.util.Retry$1", "call"),
                frame("com.acme.util.deeper.Thing", "go"),
                frame("com.acme.Main", "main")));
    assertThat(caller).isEqualTo(new Caller("com.acme.util.deeper.Thing", "go"));
  }

  @Test
  void noApplicationFrameIsUnknown() {
    assertThat(
            new CallerFinder(List.of())
                .find(stack(frame("java.lang.Thread", "run")))
                .qualifiedMethod())
        .isEqualTo("unknown");
  }

  @Test
  void capturesTheCallingClassAndMethodAtOnce() {
    CallerFinder finder = new CallerFinder(List.of("com.acme.bench.framework.**"));
    Callsite site =
        com.acme.bench.App.run(3, () -> com.acme.bench.framework.Proxy.invoke(5, finder::capture));
    assertThat(site.callerClass()).isEqualTo("com.acme.bench.App");
    assertThat(site.caller()).isEqualTo(new Caller("com.acme.bench.App", "run"));
    Callsite traced = site.withTraceparent("00-x");
    assertThat(traced.caller()).isEqualTo(site.caller());
    assertThat(traced.traceparent()).isEqualTo("00-x");
  }

  @Test
  void findsTheCallerPastMoreSkippedFramesThanOneBatchAndAboveAnyDepthOfItsOwn() {
    CallerFinder finder = new CallerFinder(List.of("com.acme.bench.framework.**"));
    // 40 framework frames above the application's: more than the walk's first batch of 16.
    assertThat(
            com.acme.bench.App.run(
                2, () -> com.acme.bench.framework.Proxy.invoke(40, finder::capture)))
        .extracting(Callsite::caller)
        .isEqualTo(new Caller("com.acme.bench.App", "run"));
    // 500 frames below the caller do not change what is found.
    assertThat(
            com.acme.bench.framework.Proxy.invoke(
                500,
                () ->
                    com.acme.bench.App.run(
                        1, () -> com.acme.bench.framework.Proxy.invoke(3, finder::capture))))
        .extracting(Callsite::callerClass)
        .isEqualTo("com.acme.bench.App");
  }

  @Test
  void aMethodReferenceStraightIntoALibraryCountsAsTheClassThatWroteIt() throws Exception {
    CallerFinder finder = new CallerFinder(List.of());
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      // On the pool's thread: the finder (Warden's), Bot's hidden lambda class, then the pool's
      // and the JDK's frames.
      Caller caller = com.acme.bench.Bot.viaPool(pool, finder::find).get();
      assertThat(caller.className()).isEqualTo("com.acme.bench.Bot");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void eachFinderSkipsWhatItsOwnPolicySays() {
    CallerFinder skipsFramework = new CallerFinder(List.of("com.acme.bench.framework.**"));
    CallerFinder skipsNothing = new CallerFinder(List.of());
    for (int i = 0; i < 2; i++) {
      Caller past =
          com.acme.bench.App.run(
              1, () -> com.acme.bench.framework.Proxy.invoke(2, () -> skipsFramework.find()));
      Caller at =
          com.acme.bench.App.run(
              1, () -> com.acme.bench.framework.Proxy.invoke(2, () -> skipsNothing.find()));
      assertThat(past).isEqualTo(new Caller("com.acme.bench.App", "run"));
      assertThat(at).isEqualTo(new Caller("com.acme.bench.framework.Proxy", "invoke"));
    }
  }

  @Test
  void walksTheLiveStack() {
    // This test is in dev.warden.*, which the finder skips, and so are the JDK and JUnit frames
    // below it; Surefire's frames are what remains.
    assertThat(new CallerFinder(List.of("org.apache.maven.**")).find().known()).isFalse();
  }
}
