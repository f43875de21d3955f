package dev.warden.agent.credential.oauth;

import dev.warden.policy.Credential;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import java.io.IOException;
import java.util.Map;

/**
 * {@code oauth2-refresh} with its refresh token in a file: each refresh presents the token in use,
 * and a rotated one is written back ({@link RefreshTokenFile}) before the new access token is used.
 * A refused token is not presented again while the file still holds it.
 */
final class RefreshTokenGrant implements Grant {

  private final Credential.OAuth2Refresh credential;
  private final SecretResolver resolver;
  private final TokenEndpoint endpoint;
  private final TokenClock clock;
  private final RefreshTokenFile file;

  /** The refresh token the endpoint refused, while it may still be the one in the file. */
  private String refusedToken;

  private String presented;

  RefreshTokenGrant(
      Credential.OAuth2Refresh credential,
      SecretResolver resolver,
      TokenEndpoint endpoint,
      TokenClock clock) {
    this.credential = credential;
    this.resolver = resolver;
    this.endpoint = endpoint;
    this.clock = clock;
    this.file = new RefreshTokenFile(credential.name(), credential.refreshToken(), resolver);
  }

  @Override
  public AccessToken obtain(AccessToken refusedByJira, boolean mayWait)
      throws IOException, SecretUnavailableException {
    presented = file.current();
    Map<String, String> fields =
        TokenEndpoint.clientFields(
            "refresh_token", credential.clientId(), credential.clientSecret(), resolver);
    fields.put("refresh_token", presented);
    long asked = clock.nanoTime();
    TokenEndpoint.Tokens tokens =
        endpoint.request(TokenEndpoint.url(credential.tokenUrl(), resolver), fields);
    if (tokens.refreshToken() != null && !tokens.refreshToken().equals(presented)) {
      // Rotated: the old one stops working, so the new one is kept before anything else happens.
      file.rotated(tokens.refreshToken(), clock.epochMillis());
    }
    refusedToken = null;
    return AccessToken.issued(tokens.accessToken(), tokens.expiresInSeconds(), asked);
  }

  @Override
  public boolean refreshes() {
    return true;
  }

  @Override
  public String onRefused() {
    refusedToken = presented;
    return file.describe();
  }

  @Override
  public boolean refusalStands() throws SecretUnavailableException {
    return refusedToken != null && refusedToken.equals(file.current());
  }
}
