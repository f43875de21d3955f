package dev.warden.agent.bench;

import com.acme.bench.App;
import com.acme.bench.framework.Proxy;
import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.hook.jdk.httpclient.JdkHttpClientHook;
import dev.warden.agent.hook.jdk.urlconnection.UrlConnectionHookImpl;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.WardenClock;
import dev.warden.agent.policy.PolicyHolder;
import dev.warden.agent.policy.PolicySnapshot;
import dev.warden.agent.policy.PolicyState;
import dev.warden.agent.throttle.Permit;
import dev.warden.agent.throttle.ThrottleRegistry;
import dev.warden.decision.CallFacts;
import dev.warden.decision.Decision;
import dev.warden.jira.Classification;
import dev.warden.jira.PathSegments;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.Site;
import dev.warden.policy.secret.SecretResolver;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request cost Warden adds, without the network:
 *
 * <ul>
 *   <li>{@code nonJira*}: what a hook does for a request that is not for a Jira site (target under
 *       100 ns);
 *   <li>{@code allowedDecision}: classify, find the caller on a stack of {@code frames} frames laid
 *       out as {@code layout} says, decide, take a bucket token (target under 3 µs at 50 frames);
 *   <li>{@code part*}: its parts;
 *   <li>{@code allowedThroughGateway}: the whole pipeline for an allowed request, audit record
 *       included, up to the hook's send.
 * </ul>
 *
 * Run: {@code mvn -B -q -pl agent -am test-compile && mvn -B -q -pl agent exec:exec -Pbench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestPathBenchmark {

  static final String POLICY =
      """
      version: 1
      caller-skip: [com.acme.bench.framework.**]
      sites:
        - {id: acme, url: 'https://acme.atlassian.net', credential: bot}
      credentials:
        bot: {type: basic, username: bot@acme.example, password: '${env:JIRA_TOKEN}'}
      throttles:
        default: {capacity: 1000000000, refill: 1000000000/1s}
      rules:
        - {id: no-admin, effect: deny, operations: [manage:jira-configuration, manage:jira-project]}
        - {id: triage, effect: allow, callers: com.acme.triage.**, operations: [createIssue, doTransition], projects: [OPS, SUP]}
        - {id: sync-reads, effect: allow, callers: com.acme.bench.**, operations: [read:jira-work]}
      """;

  /** How deep the stack is where the call is made. */
  @Param({"10", "50", "100"})
  int frames;

  /**
   * Where the caller is in it. {@code near}: four framework frames (skipped) above two application
   * frames, and the rest below them, as a service's call through a proxy, made from a server's
   * thread, looks. {@code deep}: six tenths framework frames above four tenths application frames,
   * the caller under all of those.
   */
  @Param({"near", "deep"})
  String layout;

  int frameworkFrames;
  int appFrames;
  int framesBelow;

  PolicySnapshot snapshot;

  /** The same policy with no rule on callers: the request path only keeps the backtrace. */
  PolicySnapshot withoutCallerRules;

  Site site;
  ThrottleRegistry throttles;
  Gateway gateway;
  JdkHttpClientHook jdkHook;
  UrlConnectionHookImpl urlHook;
  HttpClient client;
  HttpRequest otherRequest;
  HttpResponse.BodyHandler<String> handler;
  URL otherUrl;
  HttpURLConnection otherConnection;
  PathSegments path;
  Classification classification;
  dev.warden.policy.Throttle throttle;

  @Setup
  public void setUp() throws IOException {
    if (layout.equals("near")) {
      frameworkFrames = 4;
      appFrames = 2;
      framesBelow = frames - 6;
    } else {
      frameworkFrames = frames * 6 / 10;
      appFrames = frames - frameworkFrames;
      framesBelow = 0;
    }
    Path file = Files.createTempFile("warden-bench", ".yaml");
    Files.writeString(file, POLICY);
    PolicyHolder holder =
        new PolicyHolder(
            file,
            RouteCatalog.bundled(),
            new SecretResolver(Map.of("JIRA_TOKEN", "t")::get),
            System::nanoTime);
    holder.loadInitial();
    snapshot = ((PolicyState.Active) holder.current()).snapshot();
    Path plain = Files.createTempFile("warden-bench-plain", ".yaml");
    Files.writeString(
        plain,
        POLICY
            .replace(" callers: com.acme.triage.**,", "")
            .replace(" callers: com.acme.bench.**,", ""));
    PolicyHolder plainHolder =
        new PolicyHolder(
            plain,
            RouteCatalog.bundled(),
            new SecretResolver(Map.of("JIRA_TOKEN", "t")::get),
            System::nanoTime);
    plainHolder.loadInitial();
    withoutCallerRules = ((PolicyState.Active) plainHolder.current()).snapshot();
    site = snapshot.policy().sites().get(0);
    throttles = new ThrottleRegistry();
    gateway =
        new Gateway(
            holder,
            record -> {},
            throttles,
            WardenClock.SYSTEM,
            Executors.newSingleThreadScheduledExecutor());
    jdkHook = new JdkHttpClientHook(gateway);
    urlHook = new UrlConnectionHookImpl(gateway);
    client = HttpClient.newHttpClient();
    otherRequest =
        HttpRequest.newBuilder(URI.create("https://api.example.com/v1/things/42")).build();
    handler = HttpResponse.BodyHandlers.ofString();
    otherUrl = new URL("https://api.example.com/v1/things/42");
    otherConnection = (HttpURLConnection) otherUrl.openConnection();
    path = PathSegments.parse("/rest/api/3/issue/OPS-12");
    classification = snapshot.classifier().classify("GET", path, false, null);
    throttle = snapshot.policy().throttles().get("default");
  }

  @Benchmark
  public Object nonJiraJavaNetHttpClient() {
    return jdkHook.sendAsync(client, otherRequest, handler, null, null);
  }

  @Benchmark
  public Object nonJiraUrlConnection() {
    return urlHook.opened(otherConnection, otherUrl, null);
  }

  /** Runs {@code work} on a stack laid out as {@link #layout} says. */
  private <T> T onStack(java.util.function.Supplier<T> work) {
    return Proxy.invoke(
        framesBelow, () -> App.run(appFrames, () -> Proxy.invoke(frameworkFrames, work)));
  }

  @Benchmark
  public Object allowedDecision() {
    return onStack(this::decide);
  }

  /** {@code allowedDecision} under a policy whose rules do not name callers. */
  @Benchmark
  public Object allowedDecisionWithoutCallerRules() {
    return onStack(this::decideWithoutCallers);
  }

  private Permit decideWithoutCallers() {
    PathSegments raw = PathSegments.parse("/rest/api/3/issue/OPS-12");
    Classification c = withoutCallerRules.classifier().classify("GET", raw, false, null);
    Callsite caller = withoutCallerRules.callers().capture();
    Decision decision =
        withoutCallerRules.engine().decide(new CallFacts(site, c, "GET", caller.callerClass()));
    return throttles.acquire(
        decision.throttle().orElseThrow(), site.id(), caller.callerClass(), decision.ruleId());
  }

  private Permit decide() {
    PathSegments raw = PathSegments.parse("/rest/api/3/issue/OPS-12");
    Classification c = snapshot.classifier().classify("GET", raw, false, null);
    Callsite caller = snapshot.callers().capture();
    Decision decision =
        snapshot.engine().decide(new CallFacts(site, c, "GET", caller.callerClass()));
    return throttles.acquire(
        decision.throttle().orElseThrow(), site.id(), caller.callerClass(), decision.ruleId());
  }

  /** The parts of {@code allowedDecision}, to see where its time goes. */
  @Benchmark
  public Object partClassify() {
    return snapshot
        .classifier()
        .classify("GET", PathSegments.parse("/rest/api/3/issue/OPS-12"), false, null);
  }

  @Benchmark
  public Object partCaller() {
    return onStack(() -> snapshot.callers().capture());
  }

  @Benchmark
  public Object partDecide() {
    return snapshot
        .engine()
        .decide(new CallFacts(site, classification, "GET", "com.acme.bench.App"));
  }

  @Benchmark
  public Object partBucket() {
    return throttles.acquire(throttle, site.id(), "com.acme.bench.App", "sync-reads");
  }

  @Benchmark
  public Object allowedThroughGateway() {
    return onStack(() -> gateway.handle(new NoNetworkCall()).join());
  }

  /** A call whose "network" answers at once: what remains is Warden's own work. */
  static final class NoNetworkCall implements ClientCall<Object> {
    static final WardenRequest REQUEST =
        new WardenRequest(
            "GET",
            URI.create("https://acme.atlassian.net/rest/api/3/issue/OPS-12"),
            Headers.of("Accept", "application/json"),
            Body.NONE);
    static final CompletableFuture<WardenResponse> OK =
        CompletableFuture.completedFuture(
            new WardenResponse(200, Headers.EMPTY, "response", () -> {}));

    @Override
    public WardenRequest request() {
      return REQUEST;
    }

    @Override
    public CompletableFuture<WardenResponse> send(WardenRequest request, Discarded discarded) {
      return OK;
    }

    @Override
    public CompletableFuture<Object> toNative(WardenResponse response, WardenRequest sent) {
      return CompletableFuture.completedFuture(response.nativeResponse());
    }

    @Override
    public CompletableFuture<Object> answer(Answer answer) {
      return CompletableFuture.completedFuture(answer);
    }

    @Override
    public RedirectPolicy redirects() {
      return RedirectPolicy.NONE;
    }

    @Override
    public boolean blocking() {
      return true;
    }
  }
}
