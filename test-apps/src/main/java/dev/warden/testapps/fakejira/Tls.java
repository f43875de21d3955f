package dev.warden.testapps.fakejira;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made with the JDK's {@code
 * keytool} on first use: a key store for the fake servers and a trust store for the applications
 * that call them.
 *
 * @param keyStore the server's PKCS#12 key store
 * @param trustStore the clients' PKCS#12 trust store
 * @param password both stores' password
 */
public record Tls(Path keyStore, Path trustStore, String password) {

  private static final String PASSWORD = "fake-jira";

  /** The stores in {@code dir}, made if they are not there yet. */
  public static synchronized Tls in(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path keyStore = dir.resolve("fake-jira-keystore.p12");
    Path certificate = dir.resolve("fake-jira.crt");
    Path trustStore = dir.resolve("fake-jira-truststore.p12");
    if (!Files.exists(trustStore)) {
      Files.deleteIfExists(keyStore);
      keytool(
          List.of(
              "-genkeypair",
              "-alias",
              "fake-jira",
              "-keyalg",
              "RSA",
              "-keysize",
              "2048",
              "-validity",
              "3650",
              "-dname",
              "CN=localhost",
              "-ext",
              "SAN=dns:localhost,ip:127.0.0.1",
              "-keystore",
              keyStore.toString(),
              "-storetype",
              "PKCS12",
              "-storepass",
              PASSWORD,
              "-keypass",
              PASSWORD));
      keytool(
          List.of(
              "-exportcert",
              "-alias",
              "fake-jira",
              "-keystore",
              keyStore.toString(),
              "-storepass",
              PASSWORD,
              "-file",
              certificate.toString()));
      keytool(
          List.of(
              "-importcert",
              "-noprompt",
              "-alias",
              "fake-jira",
              "-file",
              certificate.toString(),
              "-keystore",
              trustStore.toString(),
              "-storetype",
              "PKCS12",
              "-storepass",
              PASSWORD));
    }
    return new Tls(keyStore, trustStore, PASSWORD);
  }

  private static void keytool(List<String> args) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>();
    command.add(keytool.toString());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool " + args.get(0) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The JVM options that make an application trust the fake servers. */
  public List<String> clientOptions() {
    return List.of(
        "-Djavax.net.ssl.trustStore=" + trustStore,
        "-Djavax.net.ssl.trustStorePassword=" + password,
        "-Djavax.net.ssl.trustStoreType=PKCS12");
  }
}
