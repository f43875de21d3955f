package dev.warden.policy;

import dev.warden.policy.secret.Template;
import dev.warden.policy.yaml.Mark;
import java.util.Optional;

/**
 * A named credential. Secret fields are references ({@link Template}s that are a single reference,
 * or carry references in a store URI); no record here holds a secret value.
 */
public sealed interface Credential
    permits Credential.Basic,
        Credential.Bearer,
        Credential.OAuth2Refresh,
        Credential.OAuth2ClientCredentials {

  /** The credential's name under {@code credentials}. */
  String name();

  /** Where it is written. */
  Mark mark();

  /** The {@code type} word. */
  String type();

  /**
   * {@code type: basic}: {@code Authorization: Basic base64(username:password)}.
   *
   * @param name the name
   * @param username the user (literal or reference)
   * @param password the password or API token (a reference)
   * @param mark where it is written
   */
  record Basic(String name, Template username, Template password, Mark mark) implements Credential {
    @Override
    public String type() {
      return "basic";
    }
  }

  /**
   * {@code type: bearer}: {@code Authorization: Bearer <token>}, such as a Data Center personal
   * access token.
   *
   * @param name the name
   * @param token the token (a reference)
   * @param mark where it is written
   */
  record Bearer(String name, Template token, Mark mark) implements Credential {
    @Override
    public String type() {
      return "bearer";
    }
  }

  /**
   * {@code type: oauth2-refresh}: OAuth 2.0 (3LO) with rotating refresh tokens.
   *
   * @param name the name
   * @param tokenUrl the token endpoint
   * @param clientId the client id (literal or reference)
   * @param clientSecret the client secret (a reference)
   * @param refreshToken the refresh token (a {@code ${file:}} reference unless a store keeps it)
   * @param store where a fleet keeps the token state, if anywhere
   * @param mark where it is written
   */
  record OAuth2Refresh(
      String name,
      Template tokenUrl,
      Template clientId,
      Template clientSecret,
      Template refreshToken,
      Optional<StoreUri> store,
      Mark mark)
      implements Credential {
    @Override
    public String type() {
      return "oauth2-refresh";
    }
  }

  /**
   * {@code type: oauth2-client-credentials}: a service account.
   *
   * @param name the name
   * @param tokenUrl the token endpoint
   * @param clientId the client id (literal or reference)
   * @param clientSecret the client secret (a reference)
   * @param scope the scopes to ask for, if any
   * @param mark where it is written
   */
  record OAuth2ClientCredentials(
      String name,
      Template tokenUrl,
      Template clientId,
      Template clientSecret,
      Optional<String> scope,
      Mark mark)
      implements Credential {
    @Override
    public String type() {
      return "oauth2-client-credentials";
    }
  }
}
