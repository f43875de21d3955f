package dev.warden.policy.secret;

import java.nio.file.Path;

/**
 * Where a secret lives: a reference such as {@code ${env:JIRA_API_TOKEN}}, never the secret itself.
 * Its {@code toString} is the reference as written, which is safe to log.
 */
public sealed interface SecretRef permits SecretRef.Env, SecretRef.File, SecretRef.Pkcs12 {

  /** The reference as a policy writes it. */
  String reference();

  /**
   * {@code ${env:NAME}}: an environment variable.
   *
   * @param name the variable's name
   */
  record Env(String name) implements SecretRef {
    @Override
    public String reference() {
      return "${env:" + name + "}";
    }

    @Override
    public String toString() {
      return reference();
    }
  }

  /**
   * {@code ${file:/path}}: a file's content, trimmed.
   *
   * @param path the absolute path
   */
  record File(Path path) implements SecretRef {
    @Override
    public String reference() {
      return "${file:" + path + "}";
    }

    @Override
    public String toString() {
      return reference();
    }
  }

  /**
   * {@code ${pkcs12:/path/store.p12#alias}}: a secret-key entry of a PKCS#12 key store whose
   * password is in the environment variable {@code WARDEN_KEYSTORE_PASSWORD}.
   *
   * @param path the key store
   * @param alias the entry
   */
  record Pkcs12(Path path, String alias) implements SecretRef {
    @Override
    public String reference() {
      return "${pkcs12:" + path + "#" + alias + "}";
    }

    @Override
    public String toString() {
      return reference();
    }
  }
}
