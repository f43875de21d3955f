package dev.warden.policy;

import dev.warden.policy.secret.SecretRef;
import dev.warden.policy.secret.Template;
import dev.warden.policy.yaml.Mark;
import dev.warden.policy.yaml.Node;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the {@code credentials} section. */
final class CredentialReader {

  private static final List<String> TYPES =
      List.of("basic", "bearer", "oauth2-refresh", "oauth2-client-credentials");
  private static final Map<String, List<String>> KEYS =
      Map.of(
          "basic", List.of("type", "username", "password"),
          "bearer", List.of("type", "token"),
          "oauth2-refresh",
              List.of("type", "token-url", "client-id", "client-secret", "refresh-token", "store"),
          "oauth2-client-credentials",
              List.of("type", "token-url", "client-id", "client-secret", "scope"));

  private CredentialReader() {}

  /** One credential, or {@code null} when it has problems (reported). */
  static Credential read(String name, Node node, Problems problems) {
    String where = "credential '" + name + "'";
    String type = typeOf(node);
    if (type == null || !TYPES.contains(type)) {
      Mark mark =
          node instanceof Node.MapNode map && map.entry("type") != null
              ? map.entry("type").value().mark()
              : node.mark();
      problems.add(
          mark,
          where
              + (type == null ? " has no 'type'" : " has unknown type '" + type + "'")
              + "; write type: "
              + String.join(", ", TYPES.subList(0, 3))
              + " or "
              + TYPES.get(3)
              + (type == null ? "" : Suggestions.didYouMean(type, TYPES)));
      return null;
    }
    Section section = Section.of(node, where, problems, KEYS.get(type));
    Credential credential =
        switch (type) {
          case "basic" -> basic(name, section);
          case "bearer" -> bearer(name, section);
          case "oauth2-refresh" -> oauth2Refresh(name, section);
          default -> clientCredentials(name, section);
        };
    return credential;
  }

  private static String typeOf(Node node) {
    if (node instanceof Node.MapNode map
        && map.entry("type") != null
        && map.entry("type").value() instanceof Node.ScalarNode s) {
      return s.text();
    }
    return null;
  }

  private static Credential basic(String name, Section section) {
    Template username = plain(section, "username", "jira-bot@example.com");
    Template password = secret(section, "password");
    return username == null || password == null
        ? null
        : new Credential.Basic(name, username, password, section.mark());
  }

  private static Credential bearer(String name, Section section) {
    Template token = secret(section, "token");
    return token == null ? null : new Credential.Bearer(name, token, section.mark());
  }

  private static Credential oauth2Refresh(String name, Section section) {
    Template tokenUrl = plain(section, "token-url", "https://auth.atlassian.com/oauth/token");
    Template clientId = plain(section, "client-id", "${env:JIRA_CLIENT_ID}");
    Template clientSecret = secret(section, "client-secret");
    Template refreshToken = secret(section, "refresh-token");
    Optional<StoreUri> store = store(section);
    if (refreshToken != null
        && store != null
        && store.isEmpty()
        && !(refreshToken.references().get(0) instanceof SecretRef.File)) {
      section
          .problems()
          .add(
              section.markOf("refresh-token"),
              "'refresh-token' of "
                  + section.where()
                  + " must be a ${file:/path} reference (Warden writes each rotated refresh token back there)"
                  + " or be kept in a store: add store: redis://host:6379");
      return null;
    }
    if (tokenUrl == null
        || clientId == null
        || clientSecret == null
        || refreshToken == null
        || store == null) {
      return null;
    }
    return new Credential.OAuth2Refresh(
        name, tokenUrl, clientId, clientSecret, refreshToken, store, section.mark());
  }

  private static Credential clientCredentials(String name, Section section) {
    Template tokenUrl = plain(section, "token-url", "https://auth.atlassian.com/oauth/token");
    Template clientId = plain(section, "client-id", "${env:JIRA_SA_CLIENT_ID}");
    Template clientSecret = secret(section, "client-secret");
    Section.Scalar scope = section.text("scope");
    if (tokenUrl == null || clientId == null || clientSecret == null) {
      return null;
    }
    return new Credential.OAuth2ClientCredentials(
        name,
        tokenUrl,
        clientId,
        clientSecret,
        Optional.ofNullable(scope).map(Section.Scalar::text),
        section.mark());
  }

  /** A field that may be a literal or hold references. */
  private static Template plain(Section section, String key, String example) {
    Section.Scalar scalar = section.requiredText(key, example);
    if (scalar == null) {
      return null;
    }
    try {
      return Template.parse(scalar.text());
    } catch (IllegalArgumentException e) {
      section
          .problems()
          .add(scalar.mark(), "'" + key + "' of " + section.where() + ": " + e.getMessage());
      return null;
    }
  }

  /** A secret field: exactly one reference. The message never repeats what was written. */
  private static Template secret(Section section, String key) {
    Section.Scalar scalar = section.text(key);
    if (scalar == null) {
      if (!section.has(key)) {
        section
            .problems()
            .add(
                section.mark(),
                section.where()
                    + " has no '"
                    + key
                    + "'; add "
                    + key
                    + ": ${env:NAME} (or ${file:/path}, ${pkcs12:/path#alias})");
      }
      return null;
    }
    Template template;
    try {
      template = Template.parse(scalar.text());
    } catch (IllegalArgumentException e) {
      section
          .problems()
          .add(scalar.mark(), "'" + key + "' of " + section.where() + ": " + e.getMessage());
      return null;
    }
    if (!template.isSingleReference()) {
      section
          .problems()
          .add(
              scalar.mark(),
              "'"
                  + key
                  + "' of "
                  + section.where()
                  + " is a literal secret; a policy names where a secret lives, never the secret: write "
                  + Template.forms());
      return null;
    }
    return template;
  }

  /** The optional store: empty when absent, {@code null} when invalid. */
  static Optional<StoreUri> store(Section section) {
    Section.Scalar scalar = section.text("store");
    if (scalar == null) {
      return section.has("store") ? null : Optional.empty();
    }
    try {
      return Optional.of(StoreUri.parse(scalar.text()));
    } catch (IllegalArgumentException e) {
      section
          .problems()
          .add(scalar.mark(), "'store' of " + section.where() + ": " + e.getMessage());
      return null;
    }
  }
}
