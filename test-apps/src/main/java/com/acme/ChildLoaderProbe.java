package com.acme;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * An application that loads OkHttp from a class loader of its own, as a Spring Boot jar or an
 * application server does: the library is not on the class path the JVM started with. It reads one
 * issue and prints {@code status=N}.
 *
 * <pre>java -cp ... com.acme.ChildLoaderProbe OKHTTP_CLASSPATH ISSUE_URL</pre>
 */
public final class ChildLoaderProbe {

  private ChildLoaderProbe() {}

  public static void main(String[] args) throws Exception {
    List<URL> jars = new ArrayList<>();
    for (String path : args[0].split(File.pathSeparator)) {
      jars.add(new File(path).toURI().toURL());
    }
    try (URLClassLoader loader =
        new URLClassLoader(
            "okhttp", jars.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      Class<?> clientType = loader.loadClass("okhttp3.OkHttpClient");
      Object client = clientType.getConstructor().newInstance();
      Class<?> builderType = loader.loadClass("okhttp3.Request$Builder");
      Object builder = builderType.getConstructor().newInstance();
      builderType.getMethod("url", String.class).invoke(builder, args[1]);
      Object request = builderType.getMethod("build").invoke(builder);
      Object call =
          clientType
              .getMethod("newCall", loader.loadClass("okhttp3.Request"))
              .invoke(client, request);
      Method execute = call.getClass().getMethod("execute");
      execute.setAccessible(true);
      try (AutoCloseable response = (AutoCloseable) execute.invoke(call)) {
        Method code = response.getClass().getMethod("code");
        System.out.println("status=" + code.invoke(response));
      }
    }
  }
}
