package dev.warden.testapps;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts the sample application in a JVM of its own, with or without {@code
 * -javaagent:agent/target/warden-agent.jar}, as a user would.
 */
public final class AppLauncher {

  private final List<String> javaOptions = new ArrayList<>();
  private final Map<String, String> agentArguments = new LinkedHashMap<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<String> arguments = new ArrayList<>();
  private Path agentJar;
  private final List<String> agentsBefore = new ArrayList<>();
  private final List<String> libraries = new ArrayList<>();
  private final List<String> leadingLibraries = new ArrayList<>();
  private String mainClass = "com.acme.ScriptedJiraClient";
  private Duration timeout = Duration.ofSeconds(90);

  /** The Java launcher: {@code warden.test.java}, else this JVM's. */
  public static String java() {
    String configured = System.getProperty("warden.test.java", System.getenv("WARDEN_TEST_JAVA"));
    return configured != null && !configured.isBlank()
        ? configured
        : Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static volatile int javaFeature;

  /** The feature release of {@link #java()} (17, 21, 25, ...), asked of it once. */
  public static int javaFeature() {
    if (javaFeature == 0) {
      try {
        Process process = new ProcessBuilder(java(), "-version").redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        java.util.regex.Matcher version =
            java.util.regex.Pattern.compile("version \"(\\d+)").matcher(text);
        javaFeature =
            version.find() ? Integer.parseInt(version.group(1)) : Runtime.version().feature();
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + java() + " -version", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return javaFeature;
  }

  /** The agent jar the build made. */
  public static Path builtAgent() {
    return Path.of(required("warden.agent.jar"));
  }

  /** The sample application's class path. */
  public static String appClasspath() {
    return required("warden.app.classpath");
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "system property " + property + " is not set: run through Maven (mvn verify)");
    }
    return value;
  }

  /**
   * Puts a client library of the version matrix on the class path: {@code okhttp-4.12} is {@code
   * test-apps/clients/okhttp-4.12/target/classpath.txt}.
   */
  public AppLauncher library(String name) {
    libraries.add(name);
    return this;
  }

  /**
   * Puts a matrix module's class path ahead of the application's own libraries: for a framework
   * that needs a newer Jackson than the sample application's (Spring's codecs), as an application
   * built on that framework would have.
   */
  public AppLauncher libraryFirst(String name) {
    leadingLibraries.add(name);
    return this;
  }

  /** A jar a matrix module resolved (a module resolving a single artifact, such as an agent). */
  public static Path libraryJar(String name) {
    String classpath = libraryClasspath(name);
    if (classpath.contains(java.io.File.pathSeparator)) {
      throw new IllegalStateException(
          "client library " + name + " resolves to more than one jar: " + classpath);
    }
    return Path.of(classpath);
  }

  /** The class path a matrix module resolved. */
  public static String libraryClasspath(String name) {
    Path file = Path.of(required("warden.clients.dir"), name, "target", "classpath.txt");
    try {
      return java.nio.file.Files.readString(file).trim();
    } catch (IOException e) {
      throw new IllegalStateException(
          "no class path for client library "
              + name
              + " at "
              + file
              + ": build test-apps/clients first",
          e);
    }
  }

  /** Attaches the agent. */
  public AppLauncher agent(Path jar) {
    this.agentJar = jar;
    return this;
  }

  /** Another {@code -javaagent} (the OpenTelemetry agent, say), attached before Warden's. */
  public AppLauncher agentBefore(Path jar) {
    agentsBefore.add("-javaagent:" + jar);
    return this;
  }

  /** An agent argument: {@code key=value} in {@code -javaagent:...=key=value,...}. */
  public AppLauncher agentArgument(String key, String value) {
    agentArguments.put(key, value);
    return this;
  }

  public AppLauncher javaOption(String option) {
    javaOptions.add(option);
    return this;
  }

  public AppLauncher javaOptions(List<String> options) {
    javaOptions.addAll(options);
    return this;
  }

  public AppLauncher env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** Runs an executable jar ({@code java -jar}) instead of the sample application's class path. */
  public AppLauncher jar(Path executable) {
    this.jar = executable;
    return this;
  }

  public AppLauncher mainClass(String name) {
    this.mainClass = name;
    return this;
  }

  public AppLauncher args(String... args) {
    arguments.addAll(List.of(args));
    return this;
  }

  public AppLauncher timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** The command line. */
  public List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(java());
    // Options for every application JVM of a run (the test suite starts hundreds of short-lived
    // ones).
    String common = System.getProperty("warden.app.jvm.options", "").trim();
    if (!common.isEmpty()) {
      command.addAll(List.of(common.split("\\s+")));
    }
    command.addAll(agentsBefore);
    if (agentJar != null) {
      // The probe goes first: an agent after Warden's makes Warden weave before main, and the
      // tests are to run Warden as it runs alone.
      command.add("-javaagent:" + probeJar());
      String args =
          agentArguments.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(","));
      command.add("-javaagent:" + agentJar + (args.isEmpty() ? "" : "=" + args));
    }
    command.addAll(javaOptions);
    if (jar != null) {
      command.add("-jar");
      command.add(jar.toString());
      command.addAll(arguments);
      return command;
    }
    command.add("-cp");
    StringBuilder classpath = new StringBuilder();
    for (String library : leadingLibraries) {
      classpath.append(libraryClasspath(library)).append(java.io.File.pathSeparator);
    }
    classpath.append(appClasspath());
    for (String library : libraries) {
      classpath.append(java.io.File.pathSeparator).append(libraryClasspath(library));
    }
    command.add(classpath.toString());
    command.add(mainClass);
    command.addAll(arguments);
    return command;
  }

  private static Path probeJar;
  private Path jar;

  /**
   * The jar of {@link dev.warden.testapps.probe.SuppressedProbe}, made once per test run: attached
   * beside Warden, it reports at the JVM's exit whether any of Warden's advice threw.
   */
  static synchronized Path probeJar() {
    if (probeJar == null) {
      try {
        Path dir =
            java.nio.file.Files.createDirectories(
                Path.of(System.getProperty("warden.work.dir", "target/it-work")));
        Path jar = java.nio.file.Files.createTempFile(dir, "suppressed-probe-", ".jar");
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest
            .getMainAttributes()
            .putValue("Premain-Class", dev.warden.testapps.probe.SuppressedProbe.class.getName());
        String entry =
            dev.warden.testapps.probe.SuppressedProbe.class.getName().replace('.', '/') + ".class";
        try (java.util.jar.JarOutputStream out =
                new java.util.jar.JarOutputStream(
                    java.nio.file.Files.newOutputStream(jar), manifest);
            InputStream in = AppLauncher.class.getClassLoader().getResourceAsStream(entry)) {
          out.putNextEntry(new java.util.jar.JarEntry(entry));
          in.transferTo(out);
          out.closeEntry();
        }
        probeJar = jar;
      } catch (IOException e) {
        throw new IllegalStateException("cannot make the suppressed-errors probe's jar", e);
      }
    }
    return probeJar;
  }

  /** Starts the JVM; the caller waits for it with {@link Running#await()}. */
  public Running start() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command());
    builder.environment().putAll(environment);
    Process process = builder.start();
    return new Running(process, timeout);
  }

  /** Runs the JVM to its end. */
  public AppRun run() throws Exception {
    return start().await();
  }

  /** A started application JVM. */
  public static final class Running {
    private final Process process;
    private final Duration timeout;
    private final CompletableFuture<List<String>> stdout;
    private final CompletableFuture<List<String>> stderr;

    Running(Process process, Duration timeout) {
      this.process = process;
      this.timeout = timeout;
      this.stdout = lines(process.getInputStream());
      this.stderr = lines(process.getErrorStream());
    }

    private static CompletableFuture<List<String>> lines(InputStream in) {
      return CompletableFuture.supplyAsync(
          () -> {
            try (in) {
              return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
              return List.of("<unreadable: " + e + ">");
            }
          });
    }

    /** Whether the JVM is still running. */
    public boolean isAlive() {
      return process.isAlive();
    }

    /** Kills the JVM at once, as {@code kill -9} would (exit code 137): a crash. */
    public AppRun kill() throws Exception {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      return AppRun.of(
          process.exitValue(), stdout.get(10, TimeUnit.SECONDS), stderr.get(10, TimeUnit.SECONDS));
    }

    /** Waits for the JVM to end (killing it past the timeout). */
    public AppRun await() throws Exception {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "the application did not finish within "
                + timeout
                + "\n--- stdout\n"
                + String.join("\n", stdout.get(5, TimeUnit.SECONDS))
                + "\n--- stderr\n"
                + String.join("\n", stderr.get(5, TimeUnit.SECONDS)));
      }
      AppRun run =
          AppRun.of(
              process.exitValue(),
              stdout.get(10, TimeUnit.SECONDS),
              stderr.get(10, TimeUnit.SECONDS));
      if (run.suppressed() != null && !run.suppressed().equals("0")) {
        throw new AssertionError(
            "Warden's advice suppressed errors (Hooks.suppressedCount() is "
                + run.suppressed()
                + ")\n"
                + run);
      }
      return run;
    }
  }
}
