package dev.warden.agent.hook;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Loads a library hook's adapter classes for one application class loader. An adapter implements
 * the library's types (an OkHttp {@code Interceptor}) and calls Warden's, so it must see both: its
 * own classes are defined here, from the agent jar; other Warden classes come from Warden's class
 * loader (so there is one pipeline, one policy); everything else, the library and the JDK, from the
 * application's class loader. The application never sees any of it.
 */
final class HookClassLoader extends ClassLoader {

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader warden;
  private final ClassLoader library;
  private final List<String> adapterPackages;

  HookClassLoader(ClassLoader warden, ClassLoader library, List<String> adapterPackages) {
    super("warden-hooks", null);
    this.warden = warden;
    this.library = library;
    this.adapterPackages = List.copyOf(adapterPackages);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        if (isAdapter(name)) {
          loaded = define(name);
        } else if (name.startsWith("dev.warden.")) {
          loaded = warden.loadClass(name);
        } else if (library != null) {
          loaded = library.loadClass(name);
        } else {
          loaded = Class.forName(name, false, null);
        }
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  private boolean isAdapter(String name) {
    for (String prefix : adapterPackages) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private Class<?> define(String name) throws ClassNotFoundException {
    try (InputStream in = warden.getResourceAsStream(name.replace('.', '/') + ".class")) {
      if (in == null) {
        throw new ClassNotFoundException(name);
      }
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length, HookClassLoader.class.getProtectionDomain());
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
  }
}
