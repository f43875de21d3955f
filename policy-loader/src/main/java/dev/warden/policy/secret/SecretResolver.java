package dev.warden.policy.secret;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.function.Function;
import javax.crypto.SecretKey;

/**
 * Reads secrets from where their references point. Environment and key store password come through
 * an injected lookup, so tests need no real environment.
 */
public final class SecretResolver {

  /**
   * The environment variable that holds the PKCS#12 key stores' password, and the only place it
   * may.
   */
  public static final String KEYSTORE_PASSWORD_VARIABLE = "WARDEN_KEYSTORE_PASSWORD";

  private final Function<String, String> environment;

  /**
   * @param environment looks up an environment variable, {@code null} when unset
   */
  public SecretResolver(Function<String, String> environment) {
    this.environment = environment;
  }

  /** A resolver over this process's environment. */
  public static SecretResolver system() {
    return new SecretResolver(System::getenv);
  }

  /** The secret a reference points to. */
  public Secret resolve(SecretRef ref) throws SecretUnavailableException {
    if (ref instanceof SecretRef.Env env) {
      String value = environment.apply(env.name());
      if (value == null || value.isEmpty()) {
        throw new SecretUnavailableException("environment variable " + env.name() + " is not set");
      }
      return Secret.of(value);
    }
    if (ref instanceof SecretRef.File file) {
      return readFile(file);
    }
    return readKeyStore((SecretRef.Pkcs12) ref);
  }

  private static Secret readFile(SecretRef.File file) throws SecretUnavailableException {
    try {
      String value = Files.readString(file.path(), StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new SecretUnavailableException("file " + file.path() + " is empty");
      }
      return Secret.of(value);
    } catch (NoSuchFileException e) {
      throw new SecretUnavailableException("file " + file.path() + " does not exist");
    } catch (AccessDeniedException e) {
      throw new SecretUnavailableException(
          "file " + file.path() + " cannot be read: permission denied");
    } catch (IOException e) {
      throw new SecretUnavailableException(
          "file " + file.path() + " cannot be read: " + e.getClass().getSimpleName());
    }
  }

  private Secret readKeyStore(SecretRef.Pkcs12 ref) throws SecretUnavailableException {
    String password = environment.apply(KEYSTORE_PASSWORD_VARIABLE);
    if (password == null) {
      throw new SecretUnavailableException(
          KEYSTORE_PASSWORD_VARIABLE
              + " is not set; it holds the password of key store "
              + ref.path());
    }
    char[] chars = password.toCharArray();
    try (InputStream in = Files.newInputStream(ref.path())) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, chars);
      if (!store.containsAlias(ref.alias())) {
        throw new SecretUnavailableException(
            "key store " + ref.path() + " has no entry '" + ref.alias() + "'");
      }
      Key key = store.getKey(ref.alias(), chars);
      if (!(key instanceof SecretKey secretKey) || secretKey.getEncoded() == null) {
        throw new SecretUnavailableException(
            "entry '"
                + ref.alias()
                + "' of key store "
                + ref.path()
                + " is not a secret-key entry");
      }
      return Secret.of(new String(secretKey.getEncoded(), StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException e) {
      throw new SecretUnavailableException("key store " + ref.path() + " does not exist");
    } catch (UnrecoverableKeyException e) {
      throw new SecretUnavailableException(
          "entry '"
              + ref.alias()
              + "' of key store "
              + ref.path()
              + " cannot be unlocked with "
              + KEYSTORE_PASSWORD_VARIABLE);
    } catch (IOException e) {
      throw new SecretUnavailableException(
          "key store "
              + ref.path()
              + " cannot be opened (wrong "
              + KEYSTORE_PASSWORD_VARIABLE
              + ", or not PKCS#12)");
    } catch (GeneralSecurityException e) {
      throw new SecretUnavailableException(
          "key store " + ref.path() + " cannot be read: " + e.getClass().getSimpleName());
    } finally {
      java.util.Arrays.fill(chars, '\0');
    }
  }
}
