package dev.warden.policy;

import dev.warden.policy.Words.Effect;
import dev.warden.policy.yaml.Mark;
import java.util.List;
import java.util.Optional;

/**
 * One rule. Every condition is a list (a single value is a list of one); an empty list is no
 * condition. The first rule whose conditions all match decides.
 *
 * @param id the rule's id
 * @param effect allow or deny
 * @param throttle the throttle it names, if any
 * @param coalesce whether identical concurrent GETs it allows are sent once
 * @param sites site ids
 * @param callers caller globs: {@code a.b.C}, {@code a.b.*} or {@code a.**}
 * @param operations operationIds, OAuth scopes, {@code unscoped} or {@code unknown}
 * @param projects project keys or ids, upper case
 * @param methods HTTP methods, upper case
 * @param mark where it is written
 */
public record Rule(
    String id,
    Effect effect,
    Optional<String> throttle,
    boolean coalesce,
    List<String> sites,
    List<String> callers,
    List<String> operations,
    List<String> projects,
    List<String> methods,
    Mark mark) {

  /** The id of the decision no rule made; no rule may take it. */
  public static final String DEFAULT_DENY = "default-deny";

  public Rule {
    sites = List.copyOf(sites);
    callers = List.copyOf(callers);
    operations = List.copyOf(operations);
    projects = List.copyOf(projects);
    methods = List.copyOf(methods);
  }
}
