package dev.warden.agent.credential;

import dev.warden.policy.Credential;
import dev.warden.policy.Policy;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The credentials of a policy, by name. The application never sees them: Warden adds their
 * {@code Authorization} header to requests for the site that names them, and nowhere else.
 */
public final class CredentialStore {

  private final Map<String, Authorization> byName = new LinkedHashMap<>();

  public CredentialStore(Policy policy, SecretResolver resolver, LongSupplier nanoTime) {
    for (Credential credential : policy.credentials().values()) {
      byName.put(credential.name(), create(credential, resolver, nanoTime));
    }
  }

  private static Authorization create(Credential credential, SecretResolver resolver, LongSupplier nanoTime) {
    if (credential instanceof Credential.Basic || credential instanceof Credential.Bearer) {
      return new StaticAuthorization(credential, resolver, nanoTime);
    }
    return OAuthAuthorization.of(credential, resolver, nanoTime);
  }

  /** The credential named {@code name}; the policy loader guarantees it exists. */
  public Authorization get(String name) {
    Authorization authorization = byName.get(name);
    if (authorization == null) {
      throw new IllegalArgumentException("no credential '" + name + "'");
    }
    return authorization;
  }
}
