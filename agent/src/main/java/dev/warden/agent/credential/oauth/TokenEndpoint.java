package dev.warden.agent.credential.oauth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import dev.warden.policy.secret.Template;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * An OAuth 2.0 token endpoint, as Atlassian's works: {@code POST} a JSON body, get {@code
 * access_token}, {@code expires_in} and (for a refresh) a new {@code refresh_token}. Warden's own
 * request: sent past every hook, never audited as the application's.
 */
final class TokenEndpoint {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** What a token request returned. */
  record Tokens(String accessToken, long expiresInSeconds, String refreshToken) {
    @Override
    public String toString() {
      return "Tokens[expiresIn=" + expiresInSeconds + "s]";
    }
  }

  /**
   * The endpoint answered, but not with tokens: {@code error} is OAuth's code ({@code
   * invalid_grant}, ...).
   */
  static final class Refused extends IOException {
    final int status;
    final String error;

    Refused(URI endpoint, int status, String error) {
      super(
          "token endpoint "
              + dev.warden.policy.Redaction.url(endpoint.toString())
              + " answered "
              + status
              + (error == null ? "" : " " + error));
      this.status = status;
      this.error = error;
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  /**
   * The fields every token request of a client carries: the grant type, the client's id and its
   * secret (revealed here, for the request body only).
   */
  static Map<String, String> clientFields(
      String grantType, Template clientId, Template clientSecret, SecretResolver resolver)
      throws SecretUnavailableException {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    fields.put("grant_type", grantType);
    fields.put("client_id", clientId.resolve(resolver).reveal());
    fields.put("client_secret", clientSecret.resolve(resolver).reveal());
    return fields;
  }

  /** A credential's {@code token-url}. */
  static URI url(Template template, SecretResolver resolver) throws SecretUnavailableException {
    try {
      return URI.create(template.resolve(resolver).reveal());
    } catch (IllegalArgumentException e) {
      throw new SecretUnavailableException("token-url is not a URL");
    }
  }

  /**
   * Asks for tokens.
   *
   * @param fields the grant's fields ({@code grant_type}, {@code client_id}, ...); their values are
   *     secrets and appear nowhere else
   */
  Tokens request(URI endpoint, Map<String, String> fields) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (JsonGenerator json = FACTORY.createGenerator(body)) {
      json.writeStartObject();
      for (Map.Entry<String, String> field : fields.entrySet()) {
        json.writeStringField(field.getKey(), field.getValue());
      }
      json.writeEndObject();
    }
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build();
    HttpResponse<byte[]> response;
    try {
      response =
          Bypass.io(
              () -> {
                try {
                  return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new java.io.InterruptedIOException(
                      "interrupted while asking the token endpoint");
                }
              });
    } catch (IOException e) {
      // The exception's own message may name the endpoint only; keep just its kind.
      throw new IOException(
          "token endpoint "
              + dev.warden.policy.Redaction.url(endpoint.toString())
              + " cannot be reached ("
              + e.getClass().getSimpleName()
              + ")");
    }
    return answer(endpoint, response.statusCode(), response.body());
  }

  /**
   * Reads the endpoint's answer: the tokens, or a refusal that names only OAuth's error code (a
   * code it does not know is {@code other}: the answer's text may hold anything, a token too).
   */
  static Tokens answer(URI endpoint, int status, byte[] body) throws Refused {
    JsonNode answer;
    try {
      answer = JSON.readTree(body);
    } catch (IOException | RuntimeException e) {
      answer = null;
    }
    if (status != 200
        || answer == null
        || !answer.path("access_token").isTextual()
        || answer.get("access_token").asText().isEmpty()) {
      String error =
          answer != null && answer.path("error").isTextual() ? answer.get("error").asText() : null;
      throw new Refused(endpoint, status, error == null ? null : knownError(error));
    }
    JsonNode expiresIn = answer.path("expires_in");
    long seconds =
        expiresIn.canConvertToLong() && expiresIn.isNumber()
            ? expiresIn.asLong()
            : expiresIn.isTextual() ? parseSeconds(expiresIn.asText()) : 3600;
    JsonNode refresh = answer.path("refresh_token");
    return new Tokens(
        answer.get("access_token").asText(),
        // At least a second, at most a year: an absurd life is not one to plan renewals by.
        Math.max(1, Math.min(MAX_LIFE_SECONDS, seconds)),
        refresh.isTextual() && !refresh.asText().isEmpty() ? refresh.asText() : null);
  }

  /** A token's longest life Warden plans by. */
  static final long MAX_LIFE_SECONDS = 366L * 24 * 3600;

  /** OAuth 2.0's error codes (RFC 6749, 6750, 8628 and OpenID's): any other is {@code other}. */
  private static final java.util.Set<String> ERRORS =
      java.util.Set.of(
          "invalid_request",
          "invalid_client",
          "invalid_grant",
          "unauthorized_client",
          "unsupported_grant_type",
          "invalid_scope",
          "access_denied",
          "server_error",
          "temporarily_unavailable",
          "unsupported_response_type",
          "invalid_token",
          "insufficient_scope",
          "expired_token",
          "slow_down",
          "authorization_pending",
          "interaction_required",
          "login_required",
          "consent_required");

  static String knownError(String error) {
    String code = error.trim();
    return ERRORS.contains(code) ? code : "other";
  }

  private static long parseSeconds(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return 3600;
    }
  }
}
