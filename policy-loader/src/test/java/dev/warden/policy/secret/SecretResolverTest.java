package dev.warden.policy.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {

  private static final String TOKEN = "tok-3f9a-very-secret";

  @Test
  void readsEnvironmentVariables() throws Exception {
    SecretResolver resolver = new SecretResolver(Map.of("JIRA_TOKEN", TOKEN)::get);
    assertThat(resolver.resolve(new SecretRef.Env("JIRA_TOKEN")).reveal()).isEqualTo(TOKEN);
    assertThatThrownBy(() -> resolver.resolve(new SecretRef.Env("MISSING")))
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessage("environment variable MISSING is not set");
  }

  @Test
  void readsFilesTrimmed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "  " + TOKEN + "\n");
    SecretResolver resolver = new SecretResolver(name -> null);
    assertThat(resolver.resolve(new SecretRef.File(file)).reveal()).isEqualTo(TOKEN);
    Files.writeString(file, "\n");
    assertThatThrownBy(() -> resolver.resolve(new SecretRef.File(file)))
        .hasMessage("file " + file + " is empty");
    assertThatThrownBy(() -> resolver.resolve(new SecretRef.File(dir.resolve("none"))))
        .hasMessageContaining("does not exist");
  }

  @Test
  void readsPkcs12SecretKeyEntriesWithThePasswordFromTheEnvironment(@TempDir Path dir)
      throws Exception {
    Path store = dir.resolve("jira.p12");
    char[] password = "store-pass".toCharArray();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, password);
    keyStore.setEntry(
        "onprem-pat",
        new KeyStore.SecretKeyEntry(
            new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "AES")),
        new KeyStore.PasswordProtection(password));
    try (OutputStream out = Files.newOutputStream(store)) {
      keyStore.store(out, password);
    }
    SecretRef.Pkcs12 ref = new SecretRef.Pkcs12(store, "onprem-pat");
    assertThat(
            new SecretResolver(Map.of("WARDEN_KEYSTORE_PASSWORD", "store-pass")::get)
                .resolve(ref)
                .reveal())
        .isEqualTo(TOKEN);
    assertThatThrownBy(() -> new SecretResolver(name -> null).resolve(ref))
        .hasMessage(
            "WARDEN_KEYSTORE_PASSWORD is not set; it holds the password of key store " + store);
    assertThatThrownBy(
            () ->
                new SecretResolver(Map.of("WARDEN_KEYSTORE_PASSWORD", "bad-pass")::get)
                    .resolve(ref))
        .hasMessageContaining("cannot be opened")
        .hasMessageNotContaining("bad-pass");
    assertThatThrownBy(
            () ->
                new SecretResolver(Map.of("WARDEN_KEYSTORE_PASSWORD", "store-pass")::get)
                    .resolve(new SecretRef.Pkcs12(store, "other")))
        .hasMessage("key store " + store + " has no entry 'other'");
  }

  @Test
  void secretsNeverPrintTheirValue() throws Exception {
    Secret secret = Secret.of(TOKEN);
    assertThat(secret.toString()).isEqualTo("***");
    assertThat(String.valueOf(secret)).doesNotContain(TOKEN);
  }

  @Test
  void templatesResolveEmbeddedReferences() throws Exception {
    Template template = Template.parse("redis://:${env:REDIS_PASSWORD}@redis:6379");
    assertThat(template.isSingleReference()).isFalse();
    assertThat(template.references()).containsExactly(new SecretRef.Env("REDIS_PASSWORD"));
    assertThat(template.resolve(new SecretResolver(Map.of("REDIS_PASSWORD", "pw")::get)).reveal())
        .isEqualTo("redis://:pw@redis:6379");
    assertThat(template.toString()).isEqualTo("redis://:${env:REDIS_PASSWORD}@redis:6379");
  }
}
