package dev.warden.agent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.warden.agent.caller.CallerFinder;
import dev.warden.agent.pipeline.RequestCredentials;
import dev.warden.decision.CallFacts;
import dev.warden.decision.Decision;
import dev.warden.decision.DecisionEngine;
import dev.warden.jira.Classification;
import dev.warden.jira.Classifier;
import dev.warden.jira.PathSegments;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.LoadResult;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyLoader;
import dev.warden.policy.Redaction;
import dev.warden.policy.Site;
import dev.warden.policy.SiteUrl;
import dev.warden.policy.Throttle;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code explain}: how Warden would treat one request, as text or one JSON object. */
final class Explain {

  private final PrintStream out;
  private final PrintStream err;

  Explain(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(String[] args) {
    String caller = null;
    boolean json = false;
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--json" -> json = true;
        case "--caller" -> {
          if (i + 1 >= args.length) {
            return usage("--caller needs a class name");
          }
          caller = args[++i];
        }
        default -> {
          if (args[i].startsWith("--")) {
            return usage("unknown option " + args[i]);
          }
          positional.add(args[i]);
        }
      }
    }
    if (positional.size() < 3 || positional.size() > 4) {
      return usage("explain takes POLICY METHOD URL [BODY-FILE]");
    }
    URI uri;
    try {
      uri = URI.create(positional.get(2));
    } catch (IllegalArgumentException e) {
      return usage("'" + Redaction.url(positional.get(2)) + "' is not a URL");
    }
    if (uri.getScheme() == null || SiteUrl.hostOf(uri) == null) {
      return usage(
          "'"
              + Redaction.url(positional.get(2))
              + "' is not an absolute URL such as https://acme.atlassian.net/rest/api/3/myself");
    }
    byte[] body = null;
    if (positional.size() == 4) {
      try {
        body = Files.readAllBytes(Path.of(positional.get(3)));
      } catch (IOException e) {
        return usage(
            "cannot read body file " + positional.get(3) + ": " + e.getClass().getSimpleName());
      }
    }
    LoadResult load = PolicyLoader.bundled().load(Path.of(positional.get(0)), positional.get(0));
    if (!load.valid()) {
      load.errors().forEach(out::println);
      return Cli.INVALID;
    }
    return explain(
        load.policy().orElseThrow(),
        positional.get(1).toUpperCase(Locale.ROOT),
        uri,
        body,
        caller,
        json);
  }

  private int explain(
      Policy policy, String method, URI uri, byte[] body, String callerText, boolean json) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("method", method);
    // As url.full shows it: no user information, no credential parameter.
    facts.put("url", RequestCredentials.redacted(uri));
    PathSegments path = PathSegments.parse(uri.getRawPath());
    int port = SiteUrl.effectivePort(uri);
    Optional<Site> found = policy.siteFor(uri.getScheme(), SiteUrl.hostOf(uri), port, path);
    if (found.isEmpty()) {
      facts.put("site", null);
      facts.put("decision", "not-jira");
      facts.put(
          "note",
          "no site of the policy has this URL: Warden forwards it untouched, adds no credential and records nothing");
      print(facts, json);
      return Cli.OK;
    }
    Site site = found.get();
    String callerClass = callerText == null ? null : CallerFinder.declaringClass(callerText);
    Classification c =
        new Classifier(RouteCatalog.bundled())
            .classify(
                method,
                path.drop(site.url().contextPath().size()),
                site.dataCenter(),
                body == null ? null : () -> body);
    Decision decision =
        new DecisionEngine(policy).decide(new CallFacts(site, c, method, callerClass));
    facts.put("site", site.id());
    facts.put("site_url", site.url().toString());
    facts.put("operation", c.operation().name());
    facts.put("route", c.routeTemplate());
    facts.put("scope", c.operation().isUnknown() ? null : c.operation().scopeText());
    facts.put(
        "project",
        c.projects().isEmpty()
            ? null
            : c.projects().text() + (c.projects().complete() ? "" : " (and unknown)"));
    facts.put("issue", c.issueKey() != null ? c.issueKey() : c.issueId());
    if (c.serviceDeskId() != null) {
      facts.put("servicedesk", c.serviceDeskId());
    }
    facts.put("caller", callerClass == null ? "unknown" : callerClass);
    facts.put("rule", decision.ruleId());
    facts.put("mode", policy.mode().word());
    facts.put("decision", decision.allowed() ? "allow" : policy.dryRun() ? "would-deny" : "deny");
    facts.put("throttle", decision.throttle().map(Explain::describe).orElse(null));
    facts.put("coalesce", decision.coalesce());
    facts.put("credential", site.credential());
    print(facts, json);
    return decision.allowed() ? Cli.OK : Cli.DENIED;
  }

  private static String describe(Throttle t) {
    return t.name()
        + " ("
        + t.capacity()
        + " tokens, refill "
        + t.refillTokens()
        + "/"
        + dev.warden.policy.Durations.format(t.refillPeriod())
        + ", max-wait "
        + dev.warden.policy.Durations.format(t.maxWait())
        + ", per "
        + t.per().word()
        + ")";
  }

  private void print(Map<String, Object> facts, boolean json) {
    if (json) {
      out.println(toJson(facts));
      return;
    }
    for (Map.Entry<String, Object> fact : facts.entrySet()) {
      Object value = fact.getValue();
      out.printf("%-11s %s%n", fact.getKey().replace('_', ' ') + ":", value == null ? "-" : value);
    }
  }

  private static String toJson(Map<String, Object> facts) {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = new JsonFactory().createGenerator(text)) {
      out.writeStartObject();
      for (Map.Entry<String, Object> fact : facts.entrySet()) {
        Object value = fact.getValue();
        if (value == null) {
          out.writeNullField(fact.getKey());
        } else if (value instanceof Boolean b) {
          out.writeBooleanField(fact.getKey(), b);
        } else {
          out.writeStringField(fact.getKey(), value.toString());
        }
      }
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private int usage(String problem) {
    err.println("warden: " + problem);
    err.println(
        "usage: java -jar warden-agent.jar explain POLICY [--caller CLASS] [--json] METHOD URL [BODY-FILE]");
    return Cli.USAGE;
  }
}
