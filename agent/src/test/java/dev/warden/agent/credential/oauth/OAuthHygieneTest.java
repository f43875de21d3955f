package dev.warden.agent.credential.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.policy.Credential;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import dev.warden.policy.secret.Template;
import dev.warden.policy.yaml.Mark;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What OAuth objects say about themselves (heap dumps, logs, exception messages) never holds a
 * secret.
 */
class OAuthHygieneTest {

  static final String CLIENT_SECRET = "client-secret-value-41";
  static final String ACCESS = "access-token-value-42";
  static final String REFRESH = "refresh-token-value-43";

  @Test
  void tokensAndAuthorizationsPrintNoSecret() {
    assertThat(new TokenEndpoint.Tokens(ACCESS, 3600, REFRESH).toString())
        .doesNotContain(ACCESS)
        .doesNotContain(REFRESH);
    Credential credential =
        new Credential.OAuth2ClientCredentials(
            "svc",
            Template.parse("https://auth.example/oauth/token"),
            Template.parse("svc-client"),
            Template.parse("${env:SECRET}"),
            Optional.empty(),
            Mark.NONE);
    OAuthCredential authorization =
        credentials(new SecretResolver(Map.of("SECRET", CLIENT_SECRET)::get))
            .clientCredentials((Credential.OAuth2ClientCredentials) credential);
    assertThat(authorization.toString()).isEqualTo("OAuthCredential[svc]");
    assertThat(AccessToken.issued(ACCESS, 60, 0).toString()).doesNotContain(ACCESS);
    assertThat(credential.toString()).doesNotContain(CLIENT_SECRET);
  }

  @Test
  void anUnreachableEndpointIsNamedWithoutAnySecretAndTheFailureSaysWhy() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/oauth/token";
    Credential credential =
        new Credential.OAuth2Refresh(
            "app",
            Template.parse(url),
            Template.parse("app-client"),
            Template.parse("${env:SECRET}"),
            Template.parse("${env:REFRESH}"),
            Optional.empty(),
            Mark.NONE);
    OAuthCredential authorization =
        credentials(new SecretResolver(Map.of("SECRET", CLIENT_SECRET, "REFRESH", REFRESH)::get))
            .refresh((Credential.OAuth2Refresh) credential);

    assertThatThrownBy(authorization::headerValue)
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessageContaining("token endpoint " + url + " cannot be reached")
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain(CLIENT_SECRET).doesNotContain(REFRESH));
    // Asked again at once: the backoff answers without another request, with the same reason.
    assertThatThrownBy(authorization::headerValue).hasMessageContaining("cannot be reached");
    assertThat(new TokenEndpoint.Refused(URI.create(url), 403, "invalid_grant").getMessage())
        .isEqualTo("token endpoint " + url + " answered 403 invalid_grant");
  }

  @Test
  void anUnreachableTokenStoreIsNamedWithoutItsPasswordAndTheSharedStatePrintsNoToken()
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String password = "redis-password-value-44";
    Credential credential =
        new Credential.OAuth2Refresh(
            "fleet",
            Template.parse("https://auth.example/oauth/token"),
            Template.parse("app-client"),
            Template.parse("${env:SECRET}"),
            Template.parse("${env:REFRESH}"),
            Optional.of(
                dev.warden.policy.StoreUri.parse(
                    "redis://:${env:REDIS_PASSWORD}@127.0.0.1:" + port)),
            Mark.NONE);
    OAuthCredential authorization =
        credentials(
                new SecretResolver(
                    Map.of("SECRET", CLIENT_SECRET, "REFRESH", REFRESH, "REDIS_PASSWORD", password)
                        ::get))
            .refresh((Credential.OAuth2Refresh) credential);

    assertThatThrownBy(authorization::headerValue)
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessageContaining(
            "store redis://:${env:REDIS_PASSWORD}@127.0.0.1:" + port + "/0 cannot be reached")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain(CLIENT_SECRET)
                    .doesNotContain(REFRESH)
                    .doesNotContain(password));
    SealedState.State state =
        new SealedState.State(REFRESH, 1, ACCESS, 2, 1, java.util.List.of(), null);
    assertThat(state.toString()).doesNotContain(REFRESH).doesNotContain(ACCESS);
    SealedState sealed = SealedState.seal(SealedState.sealKey(CLIENT_SECRET), "k", "l", 1, state);
    assertThat(sealed.text()).doesNotContain(REFRESH).doesNotContain(ACCESS);
    assertThat(sealed.toString()).isEqualTo("SealedState[k l#1]");
    authorization.close();
  }

  static OAuthCredentials credentials(SecretResolver resolver) {
    return new OAuthCredentials(
        new dev.warden.agent.credential.CredentialContext(resolver, TokenClock.SYSTEM));
  }
}
