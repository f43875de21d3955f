package dev.warden.check;

import dev.warden.decision.CallFacts;
import dev.warden.decision.DecisionEngine;
import dev.warden.jira.Classifier;
import dev.warden.jira.PathSegments;
import dev.warden.jira.RouteCatalog;
import dev.warden.policy.LoadResult;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyLoader;
import dev.warden.policy.Problem;
import dev.warden.policy.Rule;
import dev.warden.policy.Site;
import dev.warden.policy.Words.Effect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code check}: validates a policy, then warns about what is legal but likely wrong: a site on
 * plain {@code http://}, a credential no site uses, a {@code projects} condition on a deny rule,
 * and an allow rule on {@code read:jira-work} alone that leaves the calls Jira clients make at
 * start-up denied.
 */
public final class PolicyCheck {

  /** The calls Jira clients make at start-up, by operation and path. */
  private static final List<String[]> START_UP_CALLS =
      List.of(new String[] {"getServerInfo", "/rest/api/3/serverInfo"}, new String[] {"getCurrentUser", "/rest/api/3/myself"});

  private final PolicyLoader loader;
  private final Classifier classifier;

  public PolicyCheck(RouteCatalog catalog) {
    this.loader = new PolicyLoader(catalog);
    this.classifier = new Classifier(catalog);
  }

  /** Checks the file at {@code path}, named {@code name} in messages. */
  public CheckReport check(Path path, String name) {
    LoadResult load = loader.load(path, name);
    return new CheckReport(load, load.policy().map(this::warnings).orElse(List.of()));
  }

  /** The warnings about a valid policy. */
  public List<Problem> warnings(Policy policy) {
    List<Problem> warnings = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (Site site : policy.sites()) {
      used.add(site.credential());
      if (site.url().scheme().equals("http")) {
        warnings.add(new Problem(policy.file(), site.mark(), "site '" + site.id() + "' uses plain http://: its credential"
            + " and every issue travel unencrypted; use https:// unless this is a test instance"));
      }
    }
    policy.credentials().values().stream()
        .filter(c -> !used.contains(c.name()))
        .forEach(c -> warnings.add(new Problem(policy.file(), c.mark(), "credential '" + c.name()
            + "' is used by no site; remove it or name it in a site's 'credential'")));
    DecisionEngine engine = new DecisionEngine(policy);
    for (Rule rule : policy.rules()) {
      if (rule.effect() == Effect.DENY && !rule.projects().isEmpty()) {
        warnings.add(new Problem(policy.file(), rule.mark(), "deny rule '" + rule.id() + "' names projects, but numeric issue"
            + " ids and JQL searches can reach a project without naming its key, so this rule will not stop them; deny by"
            + " operation instead, or allow only the projects you mean"));
      }
      if (rule.effect() == Effect.ALLOW && rule.operations().equals(List.of("read:jira-work"))) {
        startUpCallsDenied(policy, engine, rule).ifPresent(warnings::add);
      }
    }
    return warnings;
  }

  private java.util.Optional<Problem> startUpCallsDenied(Policy policy, DecisionEngine engine, Rule rule) {
    if (!rule.methods().isEmpty() && !rule.methods().contains("GET")) {
      return java.util.Optional.empty();
    }
    String caller = rule.callers().isEmpty() ? null : representative(rule.callers().get(0));
    Set<String> denied = new java.util.TreeSet<>();
    for (Site site : policy.sites()) {
      if (!rule.sites().isEmpty() && !rule.sites().contains(site.id())) {
        continue;
      }
      for (String[] call : START_UP_CALLS) {
        var classification = classifier.classify("GET", PathSegments.parse(call[1]), site.dataCenter(), null);
        if (!engine.decide(new CallFacts(site, classification, "GET", caller)).allowed()) {
          denied.add(call[0] + " (" + classification.operation().scopeText() + ")");
        }
      }
    }
    if (denied.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Problem(policy.file(), rule.mark(), "rule '" + rule.id() + "' allows read:jira-work alone,"
        + " which leaves " + String.join(" and ", denied) + " denied for its callers; most Jira clients call them at start-up."
        + " Add them to its operations if this service's client does"));
  }

  /** A class a caller glob matches, to ask the policy about that caller. */
  private static String representative(String glob) {
    if (glob.endsWith(".**") || glob.endsWith(".*")) {
      return glob.substring(0, glob.lastIndexOf('.', glob.length() - 2) + 1) + "WardenCheck";
    }
    return glob;
  }
}
