package dev.warden.agent.credential;

import dev.warden.agent.credential.oauth.OAuthCredentials;
import dev.warden.policy.Credential;
import java.util.Map;
import java.util.function.Function;

/**
 * Every credential type Warden knows, and what makes each: adding a type is adding its line here.
 * One per agent, so that what the makers share (an OAuth store's connection) lives as long as the
 * agent.
 */
public final class CredentialTypes {

  private final Map<Class<? extends Credential>, Function<Credential, Authorization>> makers;

  public CredentialTypes(CredentialContext context) {
    OAuthCredentials oauth = new OAuthCredentials(context);
    this.makers =
        Map.of(
            Credential.Basic.class, c -> new StaticAuthorization(c, context),
            Credential.Bearer.class, c -> new StaticAuthorization(c, context),
            Credential.OAuth2Refresh.class, c -> oauth.refresh((Credential.OAuth2Refresh) c),
            Credential.OAuth2ClientCredentials.class,
                c -> oauth.clientCredentials((Credential.OAuth2ClientCredentials) c));
  }

  /** The credential's {@link Authorization}. */
  Authorization make(Credential credential) {
    Function<Credential, Authorization> maker = makers.get(credential.getClass());
    if (maker == null) {
      throw new IllegalArgumentException("no maker for credential type " + credential.type());
    }
    return maker.apply(credential);
  }
}
