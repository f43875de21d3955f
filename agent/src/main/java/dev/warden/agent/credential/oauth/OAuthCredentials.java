package dev.warden.agent.credential.oauth;

import dev.warden.agent.credential.CredentialContext;
import dev.warden.policy.Credential;
import dev.warden.policy.StoreUri;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the OAuth credentials of a policy: the grant each type and setting calls for, under one
 * token cache. Stores are connected once per store URI, shared by the credentials that name them.
 */
public final class OAuthCredentials {

  private final CredentialContext context;
  private final ConcurrentHashMap<StoreUri, TokenStateStore> stores = new ConcurrentHashMap<>();

  public OAuthCredentials(CredentialContext context) {
    this.context = context;
  }

  /** {@code oauth2-refresh}: kept in its file, or with {@code store}, by the fleet. */
  public OAuthCredential refresh(Credential.OAuth2Refresh credential) {
    TokenEndpoint endpoint = new TokenEndpoint();
    Grant grant =
        credential.store().isPresent()
            ? new FleetRefreshGrant(
                credential,
                context.secrets(),
                endpoint,
                stores.computeIfAbsent(
                    credential.store().get(), uri -> new TokenStateStore(uri, context.secrets())),
                context.clock(),
                context.lockExtender(),
                context.stateChecker())
            : new RefreshTokenGrant(credential, context.secrets(), endpoint, context.clock());
    return new OAuthCredential(credential.name(), grant, context.clock(), context.refreshes());
  }

  /** {@code oauth2-client-credentials}: a service account. */
  public OAuthCredential clientCredentials(Credential.OAuth2ClientCredentials credential) {
    return new OAuthCredential(
        credential.name(),
        new ClientCredentialsGrant(
            credential, context.secrets(), new TokenEndpoint(), context.clock()),
        context.clock(),
        context.refreshes());
  }
}
