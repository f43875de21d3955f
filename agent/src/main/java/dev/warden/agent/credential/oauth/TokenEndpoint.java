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
              + endpoint
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
              + endpoint
              + " cannot be reached ("
              + e.getClass().getSimpleName()
              + ")");
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      answer = null;
    }
    if (response.statusCode() != 200 || answer == null || !answer.hasNonNull("access_token")) {
      String error =
          answer != null && answer.hasNonNull("error") ? answer.get("error").asText() : null;
      throw new Refused(
          endpoint,
          response.statusCode(),
          error == null ? null : error.replaceAll("[^A-Za-z0-9_.-]", ""));
    }
    return new Tokens(
        answer.get("access_token").asText(),
        answer.path("expires_in").asLong(3600),
        answer.hasNonNull("refresh_token") ? answer.get("refresh_token").asText() : null);
  }
}
