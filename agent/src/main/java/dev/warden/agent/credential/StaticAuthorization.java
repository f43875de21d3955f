package dev.warden.agent.credential;

import dev.warden.agent.credential.oauth.TokenClock;
import dev.warden.policy.Credential;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code basic} and {@code bearer} credentials. The header value is computed from its secrets and
 * kept for a second, so a secret changed in its file takes effect without a restart while the
 * request path does not read files.
 */
final class StaticAuthorization implements Authorization {

  private static final long REFRESH_NANOS = 1_000_000_000L;

  private final Credential credential;
  private final SecretResolver resolver;
  private final TokenClock clock;
  private volatile Cached cached;

  StaticAuthorization(Credential credential, CredentialContext context) {
    if (!(credential instanceof Credential.Basic) && !(credential instanceof Credential.Bearer)) {
      throw new IllegalArgumentException(credential.type());
    }
    this.credential = credential;
    this.resolver = context.secrets();
    this.clock = context.clock();
  }

  private record Cached(String value, long at) {
    @Override
    public String toString() {
      return "Cached[at=" + at + "]";
    }
  }

  @Override
  public String toString() {
    return "StaticAuthorization[" + name() + "]";
  }

  @Override
  public String name() {
    return credential.name();
  }

  @Override
  public String headerValue() throws SecretUnavailableException {
    long now = clock.nanoTime();
    Cached current = cached;
    if (current != null && now - current.at < REFRESH_NANOS) {
      return current.value;
    }
    String value = compute();
    cached = new Cached(value, now);
    return value;
  }

  private String compute() throws SecretUnavailableException {
    try {
      if (credential instanceof Credential.Basic basic) {
        String pair =
            basic.username().resolve(resolver).reveal()
                + ":"
                + basic.password().resolve(resolver).reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
      }
      return "Bearer " + ((Credential.Bearer) credential).token().resolve(resolver).reveal();
    } catch (SecretUnavailableException e) {
      throw new SecretUnavailableException(e.getMessage());
    }
  }
}
