package dev.warden.check;

import dev.warden.decision.CallFacts;
import dev.warden.decision.DecisionEngine;
import dev.warden.jira.Classifier;
import dev.warden.jira.Operation;
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
      List.of(
          new String[] {"getServerInfo", "/rest/api/2/serverInfo"},
          new String[] {"getCurrentUser", "/rest/api/2/myself"});

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

  /** The files a credential's secrets are read from (and, for a refresh token, written back to). */
  private static List<java.nio.file.Path> secretFiles(dev.warden.policy.Credential credential) {
    List<dev.warden.policy.secret.Template> templates = new ArrayList<>();
    if (credential instanceof dev.warden.policy.Credential.Basic b) {
      templates.add(b.password());
    } else if (credential instanceof dev.warden.policy.Credential.Bearer b) {
      templates.add(b.token());
    } else if (credential instanceof dev.warden.policy.Credential.OAuth2Refresh r) {
      templates.add(r.clientSecret());
      templates.add(r.refreshToken());
    } else if (credential instanceof dev.warden.policy.Credential.OAuth2ClientCredentials c) {
      templates.add(c.clientSecret());
    }
    List<java.nio.file.Path> files = new ArrayList<>();
    for (dev.warden.policy.secret.Template template : templates) {
      for (dev.warden.policy.secret.SecretRef ref : template.references()) {
        if (ref instanceof dev.warden.policy.secret.SecretRef.File file) {
          files.add(file.path());
        }
      }
    }
    return files;
  }

  /**
   * The file's mode when group or others may read it (Kubernetes mounts secrets 0644 by default).
   */
  private static java.util.Optional<String> openToOthers(java.nio.file.Path file) {
    try {
      Set<java.nio.file.attribute.PosixFilePermission> permissions =
          java.nio.file.Files.getPosixFilePermissions(file);
      if (permissions.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
          || permissions.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
        return java.util.Optional.of(
            java.nio.file.attribute.PosixFilePermissions.toString(permissions));
      }
    } catch (java.io.IOException | UnsupportedOperationException e) {
      // Missing (reported when it is read) or not a POSIX file system: nothing to say here.
    }
    return java.util.Optional.empty();
  }

  /** The warnings about a valid policy. */
  public List<Problem> warnings(Policy policy) {
    List<Problem> warnings = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (Site site : policy.sites()) {
      used.add(site.credential());
      if (site.url().scheme().equals("http")) {
        warnings.add(
            new Problem(
                policy.file(),
                site.mark(),
                "site '"
                    + site.id()
                    + "' uses plain http://: its credential"
                    + " and every issue travel unencrypted; use https:// unless this is a test instance"));
      }
    }
    policy.credentials().values().stream()
        .filter(c -> !used.contains(c.name()))
        .forEach(
            c ->
                warnings.add(
                    new Problem(
                        policy.file(),
                        c.mark(),
                        "credential '"
                            + c.name()
                            + "' is used by no site; remove it or name it in a site's 'credential'")));
    for (dev.warden.policy.Credential credential : policy.credentials().values()) {
      for (java.nio.file.Path file : secretFiles(credential)) {
        openToOthers(file)
            .ifPresent(
                mode ->
                    warnings.add(
                        new Problem(
                            policy.file(),
                            credential.mark(),
                            "credential '"
                                + credential.name()
                                + "' reads a secret from "
                                + file
                                + ", which group or others can read ("
                                + mode
                                + "); make it"
                                + " readable by this service's user only (chmod 600; on Kubernetes, defaultMode: 0400 on the secret's volume)")));
      }
    }
    DecisionEngine engine = new DecisionEngine(policy);
    for (Rule rule : policy.rules()) {
      if (rule.effect() == Effect.DENY && !rule.projects().isEmpty()) {
        warnings.add(
            new Problem(
                policy.file(),
                rule.mark(),
                "deny rule '"
                    + rule.id()
                    + "' names projects, but numeric issue"
                    + " ids and JQL searches can reach a project without naming its key, so this rule will not stop them; deny by"
                    + " operation instead, or allow only the projects you mean"));
      }
      if (rule.effect() == Effect.ALLOW
          && rule.operations().contains(Operation.UNSCOPED)
          && !readsOnly(rule.methods())) {
        warnings.add(
            new Problem(
                policy.file(),
                rule.mark(),
                "allow rule '"
                    + rule.id()
                    + "' names unscoped, which covers writes too (such as POST /rest/api/3/redact);"
                    + " add methods: [GET] or name the operations it needs"));
      }
      if (rule.effect() == Effect.ALLOW && rule.operations().equals(List.of("read:jira-work"))) {
        startUpCallsDenied(policy, engine, rule).ifPresent(warnings::add);
      }
    }
    return warnings;
  }

  /** Whether a rule's methods allow reads only (no methods at all allows every one). */
  private static boolean readsOnly(List<String> methods) {
    return !methods.isEmpty() && READS.containsAll(methods);
  }

  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

  private java.util.Optional<Problem> startUpCallsDenied(
      Policy policy, DecisionEngine engine, Rule rule) {
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
        var classification =
            classifier.classify("GET", PathSegments.parse(call[1]), site.dataCenter(), null);
        if (!engine.decide(new CallFacts(site, classification, "GET", caller)).allowed()) {
          denied.add(call[0] + " (" + classification.operation().scopeText() + ")");
        }
      }
    }
    if (denied.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Problem(
            policy.file(),
            rule.mark(),
            "rule '"
                + rule.id()
                + "' allows read:jira-work alone,"
                + " which leaves "
                + String.join(" and ", denied)
                + " denied for its callers; most Jira clients call them at start-up."
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
