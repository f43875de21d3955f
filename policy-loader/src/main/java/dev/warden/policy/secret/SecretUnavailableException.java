package dev.warden.policy.secret;

/**
 * A secret that cannot be read right now. The message says which reference and why, and never holds
 * a secret value.
 */
public final class SecretUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  public SecretUnavailableException(String message) {
    super(message, null, false, false);
  }
}
