package dev.warden.agent.credential;

import dev.warden.policy.Credential;
import dev.warden.policy.Policy;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credentials of a policy, by name. The application never sees them: Warden adds their {@code
 * Authorization} header to requests for the site that names them, and nowhere else. A reload keeps
 * each credential whose definition did not change, with its tokens ({@link #next}), and ends the
 * background work of those that left the policy.
 */
public final class CredentialStore {

  private final CredentialTypes types;
  private final Map<String, Entry> byName;

  private record Entry(List<Object> definition, Authorization authorization) {}

  private CredentialStore(CredentialTypes types, Map<String, Entry> byName) {
    this.types = types;
    this.byName = byName;
  }

  /** The credentials of a policy, made anew. */
  public static CredentialStore of(Policy policy, CredentialTypes types) {
    return new CredentialStore(types, Map.of()).next(policy);
  }

  /**
   * The credentials of the policy that replaces this one: those defined the same way are kept as
   * they are (an OAuth credential keeps its tokens), the others are made. Those that left are
   * closed by {@link #retire} once the new policy is in force.
   */
  public CredentialStore next(Policy policy) {
    Map<String, Entry> next = new LinkedHashMap<>();
    for (Credential credential : policy.credentials().values()) {
      List<Object> definition = definition(credential);
      Entry kept = byName.get(credential.name());
      next.put(
          credential.name(),
          kept != null && kept.definition.equals(definition)
              ? kept
              : new Entry(definition, types.make(credential)));
    }
    return new CredentialStore(types, next);
  }

  /**
   * Closes the credentials of this store that {@code next} does not keep (they left the policy, or
   * changed): once {@code next} is in force.
   */
  public void retire(CredentialStore next) {
    for (Map.Entry<String, Entry> old : byName.entrySet()) {
      if (next.byName.get(old.getKey()) != old.getValue()) {
        old.getValue().authorization.close();
      }
    }
  }

  /** At shutdown: waits, until {@code deadlineNanos}, for the renewals in progress to end. */
  public void awaitRenewals(long deadlineNanos) {
    for (Entry entry : byName.values()) {
      entry.authorization.awaitRenewal(deadlineNanos);
    }
  }

  /** The credential named {@code name}; the policy loader guarantees it exists. */
  public Authorization get(String name) {
    Entry entry = byName.get(name);
    if (entry == null) {
      throw new IllegalArgumentException("no credential '" + name + "'");
    }
    return entry.authorization;
  }

  /** A credential as the policy defines it, wherever in the file: its fields but its position. */
  private static List<Object> definition(Credential credential) {
    List<Object> fields = new ArrayList<>();
    fields.add(credential.getClass());
    for (RecordComponent component : credential.getClass().getRecordComponents()) {
      if (!component.getName().equals("mark")) {
        try {
          fields.add(component.getAccessor().invoke(credential));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return fields;
  }

  @Override
  public String toString() {
    return "CredentialStore" + byName.keySet();
  }
}
