package dev.warden.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Policy texts for tests. */
public final class PolicyFixtures {

  private PolicyFixtures() {}

  /** The contract's example policy, which uses every key. */
  public static String example() {
    try (InputStream in = PolicyFixtures.class.getResourceAsStream("/example-policy.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A small valid policy; {@code rules} is appended under {@code rules:}. */
  public static String minimal(String rules) {
    return """
        version: 1
        sites:
          - id: acme
            url: https://acme.atlassian.net
            credential: bot
        credentials:
          bot:
            type: basic
            username: bot@acme.example
            password: ${env:JIRA_TOKEN}
        rules:
        """
        + rules;
  }

  /** Parses policy text that must be valid. */
  public static Policy valid(String text) {
    LoadResult result = PolicyLoader.bundled().parse(text, "policy.yaml");
    if (!result.valid()) {
      throw new AssertionError("expected a valid policy, got " + result.errors());
    }
    return result.policy().orElseThrow();
  }
}
