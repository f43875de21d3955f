package dev.warden.testapps.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, for the tests and the
 * load harness: no persistence, optionally a password and TLS. It can be stopped and started again
 * on the same port, to play a store that goes away and comes back.
 *
 * <p>The binary is {@code redis-server} on the {@code PATH}, or the one {@code WARDEN_REDIS_SERVER}
 * names; {@code .ci/run} installs it.
 */
public final class RedisServer implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final String password;
  private final Path tlsDir;
  private Process process;

  private RedisServer(Path dir, int port, String password, Path tlsDir) {
    this.dir = dir;
    this.port = port;
    this.password = password;
    this.tlsDir = tlsDir;
  }

  /** Starts a server on a free port. */
  public static RedisServer start(Path dir, String password) throws IOException {
    return start(dir, password, null);
  }

  /**
   * Starts a server on a free port.
   *
   * @param password the {@code requirepass}, or {@code null}
   * @param tlsDir a directory with {@code redis.crt} and {@code redis.key} (PEM) to serve TLS only,
   *     or {@code null}
   */
  public static RedisServer start(Path dir, String password, Path tlsDir) throws IOException {
    Files.createDirectories(dir);
    RedisServer server = new RedisServer(dir, freePort(), password, tlsDir);
    server.start();
    return server;
  }

  /** A port nothing listens on now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The binary to run. */
  public static String binary() {
    String configured = System.getenv("WARDEN_REDIS_SERVER");
    return configured != null && !configured.isBlank() ? configured : "redis-server";
  }

  public int port() {
    return port;
  }

  /** Starts the server (again), on the same port. */
  public synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                binary(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no"));
    if (tlsDir != null) {
      command.addAll(
          List.of(
              "--port",
              "0",
              "--tls-port",
              Integer.toString(port),
              "--tls-cert-file",
              tlsDir.resolve("redis.crt").toString(),
              "--tls-key-file",
              tlsDir.resolve("redis.key").toString(),
              "--tls-auth-clients",
              "no"));
    } else {
      command.addAll(List.of("--port", Integer.toString(port)));
    }
    if (password != null) {
      command.addAll(List.of("--requirepass", password));
    }
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
              .start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run "
              + binary()
              + " (install Debian's redis-server, as .ci/run does, "
              + "or set WARDEN_REDIS_SERVER to its path): "
              + e.getMessage(),
          e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server exited at start: "
                + Files.readString(dir.resolve("redis-" + port + ".log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    throw new IOException("redis-server did not listen on port " + port + " within 10 s");
  }

  /** Stops the server; {@link #start()} brings it back on the same port, empty. */
  public synchronized void stop() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /**
   * Runs one command with {@code redis-cli} (Debian's {@code redis-tools}, which {@code
   * redis-server} depends on) and returns its output, trimmed.
   */
  public String cli(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port), "--no-auth-warning"));
    if (password != null) {
      command.addAll(List.of("-a", password));
    }
    if (tlsDir != null) {
      command.addAll(List.of("--tls", "--cacert", tlsDir.resolve("redis.crt").toString()));
    }
    command.addAll(List.of(args));
    Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    cli.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() {
    stop();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
