package dev.warden.decision;

import dev.warden.jira.Operation;
import dev.warden.jira.ProjectRefs;
import dev.warden.policy.ClassGlob;
import dev.warden.policy.Policy;
import dev.warden.policy.Rule;
import dev.warden.policy.Throttle;
import dev.warden.policy.Words.Effect;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides requests by a policy's rules: in order, the first rule whose conditions all match
 * decides; no match denies ({@code default-deny}). Immutable and thread-safe; built once per
 * policy.
 */
public final class DecisionEngine {

  private final List<CompiledRule> rules;

  public DecisionEngine(Policy policy) {
    Optional<Throttle> fallback = Optional.ofNullable(policy.throttles().get(Throttle.DEFAULT));
    List<CompiledRule> compiled = new ArrayList<>(policy.rules().size());
    for (Rule rule : policy.rules()) {
      Optional<Throttle> throttle = Optional.empty();
      if (rule.effect() == Effect.ALLOW) {
        throttle = rule.throttle().map(policy.throttles()::get).or(() -> fallback);
      }
      compiled.add(
          new CompiledRule(
              rule, new Decision(rule.id(), rule.effect(), throttle, rule.coalesce())));
    }
    this.rules = List.copyOf(compiled);
  }

  /** The decision for one request. */
  public Decision decide(CallFacts facts) {
    for (CompiledRule rule : rules) {
      if (rule.matches(facts)) {
        return rule.decision;
      }
    }
    return Decision.DEFAULT_DENY;
  }

  /** A scope has a ':' too, but never a family's name before it. */
  private static boolean isScope(String name) {
    int colon = name.indexOf(':');
    return colon >= 0 && !Operation.FAMILIES.contains(name.substring(0, colon));
  }

  private static final class CompiledRule {
    private final Decision decision;
    private final boolean deny;
    private final Set<String> sites;
    private final List<ClassGlob> callers;
    private final Set<String> operationNames = new HashSet<>();
    private final Set<String> scopes = new HashSet<>();
    private final boolean hasOperations;
    private final boolean unscoped;
    private final boolean unknown;
    private final Set<String> projects;
    private final Set<String> methods;

    CompiledRule(Rule rule, Decision decision) {
      this.decision = decision;
      this.deny = rule.effect() == Effect.DENY;
      this.sites = Set.copyOf(rule.sites());
      this.callers = rule.callers().stream().map(ClassGlob::of).toList();
      for (String operation : rule.operations()) {
        // The policy loader wrote each operation by its name; anything else is a scope.
        (isScope(operation) ? scopes : operationNames).add(operation);
      }
      this.hasOperations = !rule.operations().isEmpty();
      this.unscoped = operationNames.contains(Operation.UNSCOPED);
      this.unknown = operationNames.contains(Operation.UNKNOWN.name());
      this.projects = Set.copyOf(rule.projects());
      this.methods = Set.copyOf(rule.methods());
    }

    boolean matches(CallFacts facts) {
      return (sites.isEmpty() || sites.contains(facts.site().id()))
          && (methods.isEmpty() || methods.contains(facts.method()))
          && (!hasOperations || operationMatches(facts.classification().operation()))
          && (projects.isEmpty() || projectsMatch(facts.classification().projects()))
          && (callers.isEmpty() || callerMatches(facts.callerClass()));
    }

    /**
     * As an OAuth grant would: a named operation, one whose classic scopes or one of whose granular
     * scope sets are all listed, or one the platform lists with no classic scope under {@code
     * unscoped}.
     */
    private boolean operationMatches(Operation operation) {
      if (operation.isUnknown()) {
        return unknown;
      }
      if (operationNames.contains(operation.name())) {
        return true;
      }
      if (unscoped && operation.isUnscoped()) {
        return true;
      }
      // An operation with no classic scope may still have granular ones (POST /rest/api/3/redact).
      return !scopes.isEmpty() && operation.grantedBy(scopes);
    }

    /**
     * An allow rule covers a request only if every project it touches is listed; a deny rule fires
     * if any is. Either way an unknown project matches nothing.
     */
    private boolean projectsMatch(ProjectRefs refs) {
      return deny ? refs.anyIn(projects) : refs.allIn(projects);
    }

    private boolean callerMatches(String callerClass) {
      if (callerClass == null) {
        return false;
      }
      for (ClassGlob glob : callers) {
        if (glob.matches(callerClass)) {
          return true;
        }
      }
      return false;
    }
  }
}
