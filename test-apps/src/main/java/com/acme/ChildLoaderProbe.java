package com.acme;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * An application that holds copies of OkHttp in class loaders of its own, as a Spring Boot jar or
 * an application server does, and reads one issue through each copy, printing {@code copy=KIND
 * jar=JAR status=N} (or {@code error=...}) per copy.
 *
 * <pre>java -cp ... com.acme.ChildLoaderProbe ISSUE_URL COPY...</pre>
 *
 * <p>Each {@code COPY} is {@code app} (the OkHttp on the application's class path), {@code
 * own:CLASSPATH} (a loader of its own under the platform loader: the library is not on the class
 * path the JVM started with) or {@code webapp:CLASSPATH} (a child-first loader under the
 * application's, as a servlet container makes for a web application: its own copy wins over the
 * application's).
 */
public final class ChildLoaderProbe {

  private ChildLoaderProbe() {}

  public static void main(String[] args) throws Exception {
    String issue = args[0];
    for (int i = 1; i < args.length; i++) {
      String copy = args[i];
      int colon = copy.indexOf(':');
      String kind = colon < 0 ? copy : copy.substring(0, colon);
      ClassLoader loader =
          switch (kind) {
            case "app" -> ChildLoaderProbe.class.getClassLoader();
            case "own" ->
                new URLClassLoader(
                    "okhttp-own",
                    urls(copy.substring(colon + 1)),
                    ClassLoader.getPlatformClassLoader());
            case "webapp" ->
                new ChildFirst(
                    urls(copy.substring(colon + 1)), ChildLoaderProbe.class.getClassLoader());
            default -> throw new IllegalArgumentException("unknown copy " + copy);
          };
      try {
        System.out.println("copy=" + kind + " " + call(loader, issue));
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        System.out.println("copy=" + kind + " error=" + cause);
      }
    }
    // OkHttp's pools keep non-daemon threads for a while.
    System.exit(0);
  }

  private static URL[] urls(String classpath) throws Exception {
    List<URL> jars = new ArrayList<>();
    for (String path : classpath.split(File.pathSeparator)) {
      jars.add(new File(path).toURI().toURL());
    }
    return jars.toArray(new URL[0]);
  }

  /** Reads the issue through the OkHttp that {@code loader} sees: {@code jar=... status=N}. */
  private static String call(ClassLoader loader, String issue) throws Exception {
    Class<?> clientType = Class.forName("okhttp3.OkHttpClient", true, loader);
    String jar =
        new File(clientType.getProtectionDomain().getCodeSource().getLocation().getPath())
            .getName();
    Object client = clientType.getConstructor().newInstance();
    Class<?> builderType = Class.forName("okhttp3.Request$Builder", true, loader);
    Object builder = builderType.getConstructor().newInstance();
    builderType.getMethod("url", String.class).invoke(builder, issue);
    Object request = builderType.getMethod("build").invoke(builder);
    Object call =
        clientType
            .getMethod("newCall", Class.forName("okhttp3.Request", true, loader))
            .invoke(client, request);
    Method execute = call.getClass().getMethod("execute");
    execute.setAccessible(true);
    try (AutoCloseable response = (AutoCloseable) execute.invoke(call)) {
      Method code = response.getClass().getMethod("code");
      return "jar=" + jar + " status=" + code.invoke(response);
    }
  }

  /** A web application's class loader: its own classes first, then its parent's. */
  private static final class ChildFirst extends URLClassLoader {

    ChildFirst(URL[] urls, ClassLoader parent) {
      super("webapp", urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> type = findLoadedClass(name);
        if (type == null && !name.startsWith("java.") && !name.startsWith("com.acme.")) {
          try {
            type = findClass(name);
          } catch (ClassNotFoundException notHere) {
            type = null;
          }
        }
        if (type == null) {
          type = super.loadClass(name, false);
        }
        if (resolve) {
          resolveClass(type);
        }
        return type;
      }
    }
  }
}
