package dev.warden.agent.credential.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How a token endpoint's answer is read; the cases fuzzing found among them. */
class TokenEndpointAnswerTest {

  static final URI ENDPOINT = URI.create("https://auth.example/oauth/token");

  static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void tokensWithTheirLifeAndARotatedRefreshToken() throws Exception {
    TokenEndpoint.Tokens tokens =
        TokenEndpoint.answer(
            ENDPOINT,
            200,
            json("{\"access_token\":\"at-1\",\"expires_in\":\"900\",\"refresh_token\":\"rt-2\"}"));
    assertThat(tokens.accessToken()).isEqualTo("at-1");
    assertThat(tokens.expiresInSeconds()).isEqualTo(900);
    assertThat(tokens.refreshToken()).isEqualTo("rt-2");
    assertThat(
            TokenEndpoint.answer(ENDPOINT, 200, json("{\"access_token\":\"at\"}"))
                .expiresInSeconds())
        .isEqualTo(3600);
  }

  @Test
  void anAbsurdLifeIsCappedSoRenewalTimesDoNotOverflow() throws Exception {
    // Found by fuzzing (TokenAnswerFuzzTestInputs/tokenAnswer/long-life).
    TokenEndpoint.Tokens tokens =
        TokenEndpoint.answer(
            ENDPOINT, 200, json("{\"access_token\":\"at\",\"expires_in\":99999999999999}"));
    assertThat(tokens.expiresInSeconds()).isEqualTo(TokenEndpoint.MAX_LIFE_SECONDS);
    AccessToken token = AccessToken.issued("at", tokens.expiresInSeconds(), 5);
    assertThat(token.expiresAtNanos()).isGreaterThan(token.lastUseNanos());
    assertThat(token.lastUseNanos()).isGreaterThanOrEqualTo(token.renewAtNanos());
    assertThat(token.renewAtNanos()).isGreaterThan(5);
    assertThat(
            TokenEndpoint.answer(ENDPOINT, 200, json("{\"access_token\":\"at\",\"expires_in\":-5}"))
                .expiresInSeconds())
        .isEqualTo(1);
  }

  @Test
  void aRefusalNamesOnlyAKnownOAuthErrorCode() {
    // Found by fuzzing (TokenAnswerFuzzTestInputs/tokenAnswer/echo): the error field was logged
    // as the endpoint wrote it, and an endpoint may write anything there.
    assertThatThrownBy(
            () -> TokenEndpoint.answer(ENDPOINT, 400, json("{\"error\":\"rt-hunter2secret\"}")))
        .isInstanceOf(TokenEndpoint.Refused.class)
        .hasMessage("token endpoint https://auth.example/oauth/token answered 400 other")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () -> TokenEndpoint.answer(ENDPOINT, 400, json("{\"error\":\" invalid_grant \"}")))
        .isInstanceOfSatisfying(
            TokenEndpoint.Refused.class, r -> assertThat(r.error).isEqualTo("invalid_grant"));
    assertThatThrownBy(
            () -> TokenEndpoint.answer(ENDPOINT, 200, json("{\"access_token\":{\"a\":1}}")))
        .isInstanceOf(TokenEndpoint.Refused.class);
    assertThatThrownBy(() -> TokenEndpoint.answer(ENDPOINT, 502, json("<html>bad gateway")))
        .hasMessage("token endpoint https://auth.example/oauth/token answered 502");
  }
}
