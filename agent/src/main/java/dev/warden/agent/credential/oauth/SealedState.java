package dev.warden.agent.credential.oauth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fleet's OAuth token state as its store keeps it: {@code v1.<lineage>.<generation>.<sealed>},
 * the lineage (one per consent) and generation (growing at every write) in the clear, the rest
 * sealed with AES-GCM under a key derived from the client secret every JVM of the fleet holds, and
 * bound to its key, lineage and generation so that none can be changed unseen. Whoever reads the
 * store without the client secret gets no token.
 *
 * @param key the store key it is kept under
 * @param lineage the consent it descends from
 * @param generation grows at every write, across lineages too (it follows the clock)
 * @param text the whole value, as stored
 */
record SealedState(String key, String lineage, long generation, String text) {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What is sealed. Times are epoch milliseconds (the JVMs share the wall clock).
   *
   * @param refresh the refresh token to present next
   * @param rotatedAt when it replaced the one before (which the endpoint accepts for a while after)
   * @param access the current access token
   * @param seeds fingerprints of the policy seeds this state has started from
   * @param refused the fingerprint of a refresh token the endpoint refused, while it is the current
   *     one
   */
  record State(
      String refresh,
      long rotatedAt,
      String access,
      long expiresAt,
      long renewAt,
      List<String> seeds,
      String refused) {

    /** Whether the endpoint refused this state's refresh token. */
    boolean isRefused() {
      return refused != null && refused.equals(fingerprint(refresh));
    }

    @Override
    public String toString() {
      return "State[expiresAt=" + expiresAt + "]";
    }
  }

  /** A state read and opened. */
  record Opened(SealedState sealed, State state) {}

  /** The state as the store shows it: lineage and generation only. */
  @Override
  public String toString() {
    return "SealedState[" + key + " " + lineage + "#" + generation + "]";
  }

  /** The stored text's clear part, or {@code null} when the text is none (or not Warden's). */
  static SealedState parse(String key, String text) {
    if (text == null || !text.startsWith("v1.")) {
      return null;
    }
    String[] parts = text.split("\\.", 4);
    if (parts.length != 4 || parts[1].isEmpty()) {
      return null;
    }
    try {
      return new SealedState(key, parts[1], Long.parseLong(parts[2]), text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Opens a stored text.
   *
   * @throws GeneralSecurityException when it is not Warden's, or was sealed with another key
   */
  static Opened open(byte[] sealKey, String key, String text) throws GeneralSecurityException {
    SealedState sealed = parse(key, text);
    if (sealed == null) {
      throw new GeneralSecurityException("not a Warden token state");
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(text.substring(text.lastIndexOf('.') + 1));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(sealKey, "AES"),
          new GCMParameterSpec(128, bytes, 0, 12));
      cipher.updateAAD(associated(key, sealed.lineage, sealed.generation));
      byte[] plain = cipher.doFinal(bytes, 12, bytes.length - 12);
      return new Opened(sealed, JSON.readValue(plain, State.class));
    } catch (IOException | IllegalArgumentException e) {
      throw new GeneralSecurityException("not a Warden token state", e);
    }
  }

  /** Seals a state under {@code key}. */
  static SealedState seal(byte[] sealKey, String key, String lineage, long generation, State state)
      throws IOException {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(128, iv));
      cipher.updateAAD(associated(key, lineage, generation));
      byte[] sealed = cipher.doFinal(JSON.writeValueAsBytes(state));
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return new SealedState(
          key,
          lineage,
          generation,
          "v1." + lineage + "." + generation + "." + Base64.getEncoder().encodeToString(out));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot seal the token state (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** What a sealed state is bound to: its key, lineage and generation. */
  private static byte[] associated(String key, String lineage, long generation) {
    return (key + "#" + lineage + "#" + generation).getBytes(StandardCharsets.UTF_8);
  }

  /** A new lineage: a consent's. */
  static String newLineage() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The key states are sealed with: derived from the client secret. */
  static byte[] sealKey(String clientSecret) {
    return digest("warden oauth token state v1\n" + clientSecret);
  }

  /** A token's fingerprint: what is kept of a seed or a refused token, never the token. */
  static String fingerprint(String value) {
    return HexFormat.of().formatHex(digest(value));
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
