package dev.warden.agent.credential.oauth;

import dev.warden.agent.log.Log;
import dev.warden.policy.secret.SecretRef;
import dev.warden.policy.secret.SecretResolver;
import dev.warden.policy.secret.SecretUnavailableException;
import dev.warden.policy.secret.Template;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Instant;

/**
 * Where an {@code oauth2-refresh} credential keeps its refresh token: the {@code ${file:}} the
 * policy names. The token in use is the one in memory (after a rotation, the new one, also when it
 * could not be written), unless the file now holds something Warden did not write there: an
 * operator's new consent. A rotated token is written back atomically (a temporary file beside it,
 * the same permissions, a flush to disk, a rename) before it is used.
 */
final class RefreshTokenFile {

  /** How long Atlassian still accepts a rotated refresh token. */
  static final long ROTATED_GRACE_MILLIS = 10 * 60_000;

  private final String credential;
  private final Template source;
  private final SecretResolver resolver;
  private String inUse;

  /** What the file held when Warden last read or wrote it: a different content is a new consent. */
  private String fileContent;

  RefreshTokenFile(String credential, Template source, SecretResolver resolver) {
    this.credential = credential;
    this.source = source;
    this.resolver = resolver;
  }

  /** The refresh token to present. */
  String current() throws SecretUnavailableException {
    String inFile = source.resolve(resolver).reveal();
    if (inUse == null || !inFile.equals(fileContent)) {
      inUse = inFile;
      fileContent = inFile;
    }
    return inUse;
  }

  /** Where a refresh token from a new consent goes, safe to print. */
  String describe() {
    return source.text();
  }

  /**
   * Keeps a rotated refresh token, and writes it where it came from. A token that cannot be written
   * is kept in memory, with a line that says until when the one in the file is still accepted.
   *
   * @param rotatedAtMillis when it rotated (the one before is accepted for a while after)
   */
  void rotated(String token, long rotatedAtMillis) {
    inUse = token;
    Path file = file();
    if (file == null) {
      Log.get()
          .error(
              "credential '"
                  + credential
                  + "': its refresh token rotated but "
                  + source.text()
                  + " is not a file Warden can write; the new one is kept in memory only");
      return;
    }
    try {
      write(file, token);
      fileContent = token;
    } catch (IOException | RuntimeException e) {
      Log.get()
          .error(
              "credential '"
                  + credential
                  + "': cannot write its rotated refresh token back to "
                  + file
                  + " ("
                  + e.getClass().getSimpleName()
                  + "); the new one is kept in memory only. If this"
                  + " JVM stops, the token still in the file is accepted until "
                  + Instant.ofEpochMilli(rotatedAtMillis + ROTATED_GRACE_MILLIS)
                  + "; after that, consent must be renewed");
    }
  }

  private static void write(Path file, String token) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".warden");
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
      if (view != null && Files.exists(file)) {
        Files.setPosixFilePermissions(temp, view.readAttributes().permissions());
      }
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private Path file() {
    if (source.isSingleReference() && source.references().get(0) instanceof SecretRef.File file) {
      return file.path();
    }
    return null;
  }

  @Override
  public String toString() {
    return "RefreshTokenFile[" + source.text() + "]";
  }
}
