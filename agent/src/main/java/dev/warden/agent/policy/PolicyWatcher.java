package dev.warden.agent.policy;

import dev.warden.agent.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Re-reads the policy file when its content changes. Polls rather than watches: polling sees a file
 * replaced through a symbolic link (as Kubernetes updates mounted config maps), which a watch
 * service misses.
 */
public final class PolicyWatcher {

  private final PolicyHolder holder;
  private byte[] lastDigest;

  public PolicyWatcher(PolicyHolder holder) {
    this.holder = holder;
    this.lastDigest = digest(holder.file());
  }

  /** Starts polling every {@code periodMillis} on {@code scheduler}. */
  public void start(ScheduledExecutorService scheduler, long periodMillis) {
    scheduler.scheduleWithFixedDelay(this::poll, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Checks once; reloads when the content changed. */
  public void poll() {
    try {
      byte[] digest = digest(holder.file());
      if (!Arrays.equals(digest, lastDigest)) {
        lastDigest = digest;
        holder.reload();
      }
    } catch (RuntimeException e) {
      Log.get().error("cannot check policy " + holder.file() + " for changes: " + e);
    }
  }

  private static byte[] digest(Path file) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return new byte[0];
    } catch (IOException e) {
      return new byte[] {1};
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
