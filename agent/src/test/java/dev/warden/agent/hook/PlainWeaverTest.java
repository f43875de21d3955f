package dev.warden.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.agent.hook.jdk.httpclient.HttpClientInstrumentation;
import dev.warden.agent.hook.jdk.socket.SocketInstrumentation;
import dev.warden.agent.hook.jdk.urlconnection.UrlConnectionInstrumentation;
import dev.warden.agent.log.Level;
import dev.warden.agent.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK hooks' weaving without Byte Buddy: woven classes load (and so pass the JVM's verifier,
 * stack map frames included) and do what each kind of call says.
 */
class PlainWeaverTest {

  static final String TARGET = PlainWeaverTest.Target.class.getName().replace('.', '/');
  static final String CALLS = PlainWeaverTest.Calls.class.getName().replace('.', '/');

  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  Log previous;

  @BeforeEach
  void captureLog() {
    previous = Log.get();
    Log.set(new Log(new PrintStream(log, true, StandardCharsets.UTF_8), Level.DEBUG, () -> 0));
  }

  @AfterEach
  void restoreLog() {
    Log.set(previous);
  }

  /** What the woven methods look like before weaving. */
  public static class Target implements Supplier<List<String>> {
    public final List<String> ran = new ArrayList<>();

    @Override
    public List<String> get() {
      return ran;
    }

    public CompletableFuture<String> send(String site, Object body) {
      ran.add("send " + site);
      return CompletableFuture.completedFuture("client " + site);
    }

    /** Branches and a loop: the class file has stack map frames after the woven entry. */
    public CompletableFuture<String> sendMany(String site, Object[] bodies) {
      StringBuilder sent = new StringBuilder();
      for (Object body : bodies) {
        if (body == null) {
          continue;
        }
        sent.append(body);
      }
      ran.add("sendMany " + site);
      return CompletableFuture.completedFuture(sent.toString());
    }

    public void connect(SocketAddress address, int timeout) {
      ran.add("connect " + address + " " + timeout);
    }

    public boolean connectChannel(SocketAddress address) {
      ran.add("connectChannel " + address);
      return address != null;
    }

    public String open(String url, long timeout, int attempt) {
      if (attempt > 1) {
        return "retry " + url;
      }
      return "open " + url + " " + timeout;
    }
  }

  /** The static methods the woven calls go to. */
  public static final class Calls {
    private Calls() {}

    public static CompletableFuture<String> take(Object self, Object site, Object body) {
      return "jira".equals(site)
          ? CompletableFuture.completedFuture("warden " + site + " " + ((Supplier<?>) self).get())
          : null;
    }

    public static String refuse(SocketAddress address) {
      return address instanceof InetSocketAddress inet && inet.getPort() == 443
          ? "refused by Warden: " + inet.getHostString()
          : null;
    }

    public static String replace(String result, String url, long timeout, int attempt) {
      return result + " via warden(" + url + "," + timeout + "," + attempt + ")";
    }
  }

  static List<HookCall> calls() {
    return List.of(
        new HookCall(
            TARGET,
            "send",
            "(Ljava/lang/String;Ljava/lang/Object;)Ljava/util/concurrent/CompletableFuture;",
            HookCall.Kind.ENTER_RETURN_IF_SET,
            CALLS,
            "take"),
        new HookCall(
            TARGET,
            "sendMany",
            "(Ljava/lang/String;[Ljava/lang/Object;)Ljava/util/concurrent/CompletableFuture;",
            HookCall.Kind.ENTER_RETURN_IF_SET,
            CALLS,
            "take"),
        new HookCall(
            TARGET,
            "connect",
            "(Ljava/net/SocketAddress;I)V",
            HookCall.Kind.ENTER_REFUSE_CONNECT,
            CALLS,
            "refuse"),
        new HookCall(
            TARGET,
            "connectChannel",
            "(Ljava/net/SocketAddress;)Z",
            HookCall.Kind.ENTER_REFUSE_CONNECT,
            CALLS,
            "refuse"),
        new HookCall(
            TARGET,
            "open",
            "(Ljava/lang/String;JI)Ljava/lang/String;",
            HookCall.Kind.EXIT_REPLACE_RESULT,
            CALLS,
            "replace"));
  }

  static byte[] bytes(String internalName) throws Exception {
    try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
      return in.readAllBytes();
    }
  }

  /** The woven class, defined (and verified) in a loader of its own. */
  static Object wovenTarget(byte[] woven) throws Exception {
    ClassLoader loader =
        new ClassLoader(PlainWeaverTest.class.getClassLoader()) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals(Target.class.getName())) {
              synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : defineClass(name, woven, 0, woven.length);
              }
            }
            return super.loadClass(name, resolve);
          }
        };
    return loader.loadClass(Target.class.getName()).getConstructor().newInstance();
  }

  static Object call(Object target, String method, Object... arguments) throws Throwable {
    for (Method each : target.getClass().getMethods()) {
      if (each.getName().equals(method)) {
        try {
          return each.invoke(target, arguments);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
    }
    throw new NoSuchMethodException(method);
  }

  /** A class file of this JDK's, from whichever module holds it. */
  static byte[] jdkClass(String internalName) throws Exception {
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    try (Stream<Path> modules = Files.list(jrt.getPath("/modules"))) {
      for (Path module : modules.toList()) {
        Path file = module.resolve(internalName + ".class");
        if (Files.exists(file)) {
          return Files.readAllBytes(file);
        }
      }
    }
    throw new IllegalStateException(internalName + " is not in this JDK");
  }

  @SuppressWarnings("unchecked")
  static List<String> ran(Object target) throws Exception {
    return (List<String>) target.getClass().getField("ran").get(target);
  }

  @Test
  void wovenMethodsDoWhatTheirCallsSay() throws Throwable {
    PlainWeaver weaver = new PlainWeaver(calls(), null, null);
    byte[] woven = weaver.weave(null, TARGET, bytes(TARGET));
    assertThat(woven).isNotNull();
    Object target = wovenTarget(woven);

    // Entry, taken: the method does not run and the hook's result is returned.
    assertThat(((CompletableFuture<?>) call(target, "send", "jira", "body")).join())
        .isEqualTo("warden jira []");
    // Entry, not taken: the method runs as it was.
    assertThat(((CompletableFuture<?>) call(target, "send", "other", "body")).join())
        .isEqualTo("client other");
    assertThat(
            ((CompletableFuture<?>)
                    call(target, "sendMany", "other", new Object[] {"a", null, "b"}))
                .join())
        .isEqualTo("ab");
    assertThat(((CompletableFuture<?>) call(target, "sendMany", "jira", new Object[] {"a"})).join())
        .isEqualTo("warden jira [send other, sendMany other]");

    // Refused connects throw the connect's own exception; the others connect.
    InetSocketAddress jira = InetSocketAddress.createUnresolved("acme.atlassian.net", 443);
    InetSocketAddress other = InetSocketAddress.createUnresolved("example.com", 80);
    assertThatThrownBy(() -> call(target, "connect", jira, 1000))
        .isInstanceOf(ConnectException.class)
        .hasMessage("refused by Warden: acme.atlassian.net");
    assertThatThrownBy(() -> call(target, "connectChannel", jira))
        .isInstanceOf(ConnectException.class);
    call(target, "connect", other, 1000);
    assertThat(call(target, "connectChannel", other)).isEqualTo(true);

    // Every return goes through the hook, with the arguments of every size.
    assertThat(call(target, "open", "u", 7L, 1)).isEqualTo("open u 7 via warden(u,7,1)");
    assertThat(call(target, "open", "u", 7L, 2)).isEqualTo("retry u via warden(u,7,2)");

    assertThat(ran(target))
        .containsExactly(
            "send other",
            "sendMany other",
            "connect " + other + " 1000",
            "connectChannel " + other);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("hooked " + Target.class.getName());
  }

  @Test
  void classesItDoesNotHookPassUntouched() throws Exception {
    PlainWeaver weaver = new PlainWeaver(calls(), null, null);
    assertThat(weaver.weave(null, CALLS, bytes(CALLS))).isNull();
    assertThat(log.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aMethodThisVersionDoesNotHaveIsLoggedAndTheRestWoven() throws Throwable {
    List<HookCall> calls = new ArrayList<>(calls());
    calls.add(
        new HookCall(
            TARGET,
            "send",
            "(Ljava/lang/String;)Ljava/util/concurrent/CompletableFuture;",
            HookCall.Kind.ENTER_RETURN_IF_SET,
            CALLS,
            "take"));
    byte[] woven = new PlainWeaver(calls, null, null).weave(null, TARGET, bytes(TARGET));

    assertThat(
            (String) ((CompletableFuture<?>) call(wovenTarget(woven), "send", "jira", "x")).join())
        .startsWith("warden");
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains(
            "error: cannot hook "
                + Target.class.getName()
                + ".send(Ljava/lang/String;)Ljava/util/concurrent/CompletableFuture;: this JVM's"
                + " class has no such method; its requests are not guarded by Warden");
  }

  @Test
  void aClassItCannotReadLoadsAsItIsAndIsLogged() {
    byte[] garbage = {(byte) 0xCA, (byte) 0xFE, 0, 1, 2};
    assertThat(new PlainWeaver(calls(), null, null).weave(null, TARGET, garbage)).isNull();
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("error: cannot hook " + Target.class.getName() + ": ")
        .contains("its requests are not guarded by Warden");
  }

  /**
   * The JDK hooks' methods are in this JVM's classes, as named: run on every JDK the build uses, so
   * a JDK that changes one is caught here (and logged at run time).
   */
  @Test
  void everyJdkHookFindsItsMethodsInThisJdk() throws Exception {
    List<HookCall> jdk =
        Stream.of(
                new HttpClientInstrumentation(),
                new UrlConnectionInstrumentation(),
                new SocketInstrumentation())
            .flatMap(hook -> hook.calls().stream())
            .toList();
    PlainWeaver weaver = new PlainWeaver(jdk, null, null);
    for (String type : weaver.internalNames()) {
      byte[] original = jdkClass(type);
      assertThat(weaver.weave(null, type, original)).as(type).isNotNull().isNotEqualTo(original);
    }
    assertThat(weaver.internalNames()).hasSize(5);
    assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("error");
  }
}
