package dev.warden.agent.credential.oauth;

import dev.warden.policy.Credential;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import java.io.IOException;
import java.util.Map;

/** {@code oauth2-client-credentials}: a service account's client id and secret buy each token. */
final class ClientCredentialsGrant implements Grant {

  private final Credential.OAuth2ClientCredentials credential;
  private final SecretResolver resolver;
  private final TokenEndpoint endpoint;
  private final TokenClock clock;

  ClientCredentialsGrant(
      Credential.OAuth2ClientCredentials credential,
      SecretResolver resolver,
      TokenEndpoint endpoint,
      TokenClock clock) {
    this.credential = credential;
    this.resolver = resolver;
    this.endpoint = endpoint;
    this.clock = clock;
  }

  @Override
  public AccessToken obtain(AccessToken refusedByJira, boolean mayWait)
      throws IOException, SecretUnavailableException {
    Map<String, String> fields =
        TokenEndpoint.clientFields(
            "client_credentials", credential.clientId(), credential.clientSecret(), resolver);
    credential.scope().ifPresent(scope -> fields.put("scope", scope));
    long asked = clock.nanoTime();
    TokenEndpoint.Tokens tokens =
        endpoint.request(TokenEndpoint.url(credential.tokenUrl(), resolver), fields);
    return AccessToken.issued(tokens.accessToken(), tokens.expiresInSeconds(), asked);
  }
}
