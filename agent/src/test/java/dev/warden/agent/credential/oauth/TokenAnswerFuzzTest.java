package dev.warden.agent.credential.oauth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for a token endpoint's answer. Properties: it is read as tokens or as a refusal,
 * never another failure; a refusal's message (which is logged) repeats no text of the answer but a
 * known OAuth error code; neither the tokens' nor the token's printed form holds a token; and any
 * {@code expires_in} gives a token that is renewed before it is last used, and last used before it
 * expires, with no overflow.
 */
class TokenAnswerFuzzTest {

  private static final URI ENDPOINT = URI.create("https://auth.example/oauth/token");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Input: the status (three digits), a newline, the answer's body. */
  @FuzzTest(maxDuration = "10s")
  void tokenAnswer(byte[] data) {
    String input = new String(data, StandardCharsets.UTF_8);
    int newline = input.indexOf('\n');
    int status =
        newline == 3 && input.substring(0, 3).matches("[0-9]{3}")
            ? Integer.parseInt(input.substring(0, 3))
            : 200;
    String text = newline == 3 ? input.substring(4) : input;
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    long now = System.nanoTime();
    TokenEndpoint.Tokens tokens;
    try {
      tokens = TokenEndpoint.answer(ENDPOINT, status, body);
    } catch (TokenEndpoint.Refused refused) {
      // What the message may hold: the endpoint, the status and a known code; nothing else.
      String rest =
          refused
              .getMessage()
              .replace(ENDPOINT.toString(), "")
              .replace("token endpoint", "")
              .replace("answered " + refused.status, "");
      if (refused.error != null) {
        rest = rest.replace(refused.error, "");
      }
      for (String value : strings(body)) {
        if (value.trim().length() >= 4) {
          check(!rest.contains(value.trim()), "a refusal repeats the answer", text);
        }
      }
      return;
    }
    check(status == 200, "tokens only from a 200", text);
    // A token of a few characters may be in any text by chance.
    boolean telling = tokens.accessToken().length() >= 6;
    check(
        !telling || !tokens.toString().contains(tokens.accessToken()),
        "printed tokens hold none",
        text);
    AccessToken token = AccessToken.issued(tokens.accessToken(), tokens.expiresInSeconds(), now);
    check(
        now < token.renewAtNanos()
            && token.renewAtNanos() <= token.lastUseNanos()
            && token.lastUseNanos() < token.expiresAtNanos(),
        "renewed, then last used, then expired: " + tokens.expiresInSeconds() + " s",
        text);
    check(
        !telling || !token.toString().contains(tokens.accessToken()),
        "a printed token holds none",
        text);
  }

  /** Every string value in the answer, when it is JSON. */
  private static List<String> strings(byte[] body) {
    List<String> out = new ArrayList<>();
    try {
      collect(JSON.readTree(body), out);
    } catch (Exception notJson) {
      // Nothing the refusal could have taken from it.
    }
    return out;
  }

  private static void collect(JsonNode node, List<String> out) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      out.add(node.asText());
    }
    node.forEach(child -> collect(child, out));
  }

  private static void check(boolean holds, String property, String input) {
    if (!holds) {
      throw new AssertionError(property + "; input: " + input);
    }
  }
}
