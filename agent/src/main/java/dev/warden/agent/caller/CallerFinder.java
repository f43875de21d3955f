package dev.warden.agent.caller;

import dev.warden.policy.ClassGlob;
import java.lang.StackWalker.StackFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds the application code on the current thread's stack. Which classes are skipped is decided
 * once per class name and cached, so a walk costs little more than the frames it visits.
 */
public final class CallerFinder {

  /**
   * Packages that are never "the application": Warden, the JDK, HTTP clients, frameworks, Jira
   * client libraries.
   */
  static final List<String> BUILT_IN_SKIPS =
      List.of(
          // Warden and the JDK
          "dev.warden.",
          "java.",
          "javax.",
          "jdk.",
          "sun.",
          "com.sun.",
          "jakarta.",
          // HTTP clients
          "okhttp3.",
          "okio.",
          "org.apache.http.",
          "org.apache.hc.",
          "reactor.",
          "io.netty.",
          "org.eclipse.jetty.",
          "io.vertx.",
          "org.asynchttpclient.",
          "com.google.api.client.",
          "feign.",
          "retrofit2.",
          "kong.unirest.",
          "org.glassfish.jersey.",
          "org.jboss.resteasy.",
          "org.apache.cxf.",
          "com.squareup.",
          // Frameworks and runtimes
          "org.springframework.",
          "io.reactivex.",
          "rx.",
          "kotlin.",
          "kotlinx.",
          "scala.",
          "akka.",
          "io.micronaut.",
          "io.quarkus.",
          "io.smallrye.",
          "io.helidon.",
          "com.google.common.",
          "com.google.inject.",
          "io.github.resilience4j.",
          unrelocated("net|bytebuddy|"),
          unrelocated("io|opentelemetry|"),
          "brave.",
          "org.aspectj.",
          "org.jboss.",
          "groovy.",
          "org.codehaus.groovy.",
          "org.junit.",
          "org.testng.",
          "org.apache.camel.",
          "org.apache.tomcat.",
          "org.apache.catalina.",
          "io.undertow.",
          // Jira client libraries
          "net.rcarz.jiraclient.",
          "com.chavaillaz.jira.client.",
          "com.atlassian.jira.rest.client.",
          "com.atlassian.httpclient.",
          "io.atlassian.fugue.",
          "com.atlassian.event.",
          "com.atlassian.util.concurrent.");

  /**
   * The endings of the names of classes a framework generates to implement an application's
   * interface (a declarative HTTP client) or to stand in for its bean: never the application's
   * frame. A generated subclass that calls the application's own method ({@code Bot$Intercepted}
   * calling {@code Bot}) is skipped too, as the frame of {@code Bot} comes first.
   */
  static final List<String> GENERATED_MARKERS =
      List.of(
          // Quarkus: the REST client interface's implementation, its CDI bean, ArC's proxies
          "$$QuarkusRestClientInterface",
          "$$CDIWrapper",
          "_ClientProxy",
          // Micronaut: a declarative client's introduced implementation, AOP proxies
          "$Intercepted");

  private static final int MAX_CACHED = 20_000;

  /**
   * A package name written with {@code |} for {@code .}: the agent jar's shading rewrites string
   * literals that name a package Warden relocates ({@code io.opentelemetry}, {@code
   * net.bytebuddy}), and these must keep naming the application's (and the OpenTelemetry agent's)
   * copies.
   */
  public static String unrelocated(String name) {
    return name.replace('|', '.');
  }

  /** The walker, set up on the first walk (a request's thread), not as a policy loads. */
  private static final class Walker {
    /**
     * Frames with their classes (so that a frame is skipped by a lookup on its class, not its
     * name), fetched 16 at a time: the first batch reaches the caller of most calls, past the
     * hook's and the client's frames. Hidden frames are shown: a method reference's lambda class
     * ({@code Bot$$Lambda/0x...}) is the application's frame when the reference goes straight into
     * a client ({@code pool.submit(call::execute)}), and counts as the class that wrote it.
     */
    static final StackWalker WALKER;

    /**
     * Whether {@link #WALKER} has the frames' classes: not under a security manager that does not
     * grant {@code getStackWalkerWithClassReference}; frames are then skipped by their class names.
     */
    static final boolean WITH_CLASSES;

    static {
      StackWalker walker;
      boolean withClasses;
      try {
        walker =
            StackWalker.getInstance(
                Set.of(
                    StackWalker.Option.RETAIN_CLASS_REFERENCE,
                    StackWalker.Option.SHOW_HIDDEN_FRAMES),
                16);
        withClasses = true;
      } catch (SecurityException refused) {
        walker = StackWalker.getInstance(Set.of(StackWalker.Option.SHOW_HIDDEN_FRAMES), 16);
        withClasses = false;
      }
      WALKER = walker;
      WITH_CLASSES = withClasses;
    }
  }

  private final Map<String, List<String>> skipsByFirstSegment = new HashMap<>();
  private final List<ClassGlob> policySkips;
  private final ConcurrentHashMap<String, Boolean> skipped = new ConcurrentHashMap<>();
  private final boolean decidesByCaller;

  /** Whether a class's frames are skipped, kept with the class: one lookup per frame walked. */
  private final ClassValue<Boolean> skippedClasses =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          return isSkipped(type.getName());
        }
      };

  /** The first frame not skipped, as a caller; made once, used by every walk. */
  private final Function<Stream<StackFrame>, Caller> firstApplicationFrame = new FirstFrame();

  /**
   * A class, not a lambda: finders are made as a policy loads, beside other agents' start-up, where
   * Warden links as few invokedynamic call sites as it can (see {@code
   * AgentInstaller.loadBeforeOtherAgents}).
   */
  private final class FirstFrame implements Function<Stream<StackFrame>, Caller> {
    @Override
    public Caller apply(Stream<StackFrame> frames) {
      Iterator<StackFrame> walked = frames.iterator();
      while (walked.hasNext()) {
        StackFrame frame = walked.next();
        if (!(Walker.WITH_CLASSES
            ? skippedClasses.get(frame.getDeclaringClass())
            : isSkipped(frame.getClassName()))) {
          return caller(frame.getClassName(), frame.getMethodName());
        }
      }
      return Caller.UNKNOWN;
    }
  }

  /** A finder that also skips the packages a policy's {@code caller-skip} names. */
  public CallerFinder(List<String> callerSkip) {
    this(callerSkip, true);
  }

  /**
   * A finder that also skips the packages a policy's {@code caller-skip} names.
   *
   * @param decidesByCaller whether decisions use the calling class (a rule with {@code callers}, a
   *     throttle {@code per: caller}); the caller is captured either way, for the audit
   */
  public CallerFinder(List<String> callerSkip, boolean decidesByCaller) {
    this.decidesByCaller = decidesByCaller;
    for (String prefix : BUILT_IN_SKIPS) {
      String first = prefix.substring(0, prefix.indexOf('.'));
      skipsByFirstSegment.computeIfAbsent(first, k -> new ArrayList<>()).add(prefix);
    }
    this.policySkips = callerSkip.stream().map(ClassGlob::of).toList();
  }

  /** Whether decisions use the calling class (see the constructor). */
  public boolean decidesByCaller() {
    return decidesByCaller;
  }

  /**
   * Captures where the current call comes from: the calling class and method, from a walk of the
   * stack that stops at the first application frame. It costs what the frames above the caller
   * cost, however deep the stack is below it, and leaves nothing to resolve later.
   */
  public Callsite capture() {
    return Callsite.of(find());
  }

  /** The caller on the current thread's stack, walked frame by frame. */
  public Caller find() {
    return Walker.WALKER.walk(firstApplicationFrame);
  }

  /**
   * The caller among frames given outermost last, as {@link Throwable#getStackTrace()} lists them.
   */
  public Caller find(StackTraceElement[] frames) {
    for (StackTraceElement frame : frames) {
      if (!isSkipped(frame.getClassName())) {
        return caller(frame.getClassName(), frame.getMethodName());
      }
    }
    return Caller.UNKNOWN;
  }

  /** Whether frames of this class are skipped. */
  boolean isSkipped(String className) {
    Boolean cached = skipped.get(className);
    if (cached != null) {
      return cached;
    }
    boolean skip = decide(className);
    if (skipped.size() < MAX_CACHED) {
      skipped.put(className, skip);
    }
    return skip;
  }

  private boolean decide(String className) {
    int dot = className.indexOf('.');
    if (dot < 0) {
      return false;
    }
    List<String> prefixes = skipsByFirstSegment.get(className.substring(0, dot));
    if (prefixes != null) {
      for (String prefix : prefixes) {
        if (className.startsWith(prefix)) {
          return true;
        }
      }
    }
    for (String marker : GENERATED_MARKERS) {
      if (className.endsWith(marker)) {
        return true;
      }
    }
    String declaring = declaringClass(className);
    for (ClassGlob glob : policySkips) {
      if (glob.matches(declaring)) {
        return true;
      }
    }
    return false;
  }

  static Caller caller(String className, String methodName) {
    return new Caller(declaringClass(className), declaringMethod(methodName));
  }

  /**
   * {@code Foo$1}, {@code Foo$Inner}, {@code Foo$$Lambda/0x...} and {@code Foo$$SpringCGLIB$$0} are
   * {@code Foo}.
   */
  public static String declaringClass(String className) {
    int dollar = className.indexOf('$');
    return dollar > 0 ? className.substring(0, dollar) : className;
  }

  /** {@code lambda$sync$0} is {@code sync}. */
  static String declaringMethod(String methodName) {
    if (methodName.startsWith("lambda$")) {
      int end = methodName.indexOf('$', "lambda$".length());
      if (end > "lambda$".length()) {
        return methodName.substring("lambda$".length(), end);
      }
    }
    return methodName;
  }
}
