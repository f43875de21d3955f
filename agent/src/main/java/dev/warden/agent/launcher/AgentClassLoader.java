package dev.warden.agent.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads Warden's implementation and its shaded libraries from the agent jar's {@code inst/} folder,
 * where classes are stored as {@code .classdata} so that no other class loader can load them. The
 * application never sees them; its parent is the platform class loader, so the bootstrap-visible
 * part of Warden and the JDK are shared (for the command line, the loader of the jar itself, which
 * sees that part at the jar's root).
 */
final class AgentClassLoader extends ClassLoader {

  static final String PREFIX = "inst/";
  private static final String CLASS_SUFFIX = ".classdata";

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  private final String jarUrl;
  private final ProtectionDomain protectionDomain;

  AgentClassLoader(JarFile jar, URL jarLocation, ClassLoader parent) {
    super("warden", parent);
    this.jar = jar;
    this.jarUrl = "jar:" + jarLocation.toExternalForm() + "!/";
    this.protectionDomain =
        new ProtectionDomain(new CodeSource(jarLocation, (Certificate[]) null), null, this, null);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String packageName = name.substring(0, dot);
      if (getDefinedPackage(packageName) == null) {
        try {
          definePackage(packageName, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException raced) {
          // Another thread defined it first.
        }
      }
    }
    return defineClass(name, bytes, 0, bytes.length, protectionDomain);
  }

  @Override
  protected URL findResource(String name) {
    String entry = entryName(name);
    if (jar.getJarEntry(entry) == null) {
      return null;
    }
    try {
      return new URL(jarUrl + entry);
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null
        ? Collections.emptyEnumeration()
        : Collections.enumeration(Collections.singletonList(url));
  }

  /**
   * A class file ({@code a/B.class}, as bytecode tools ask for it) is stored as {@code
   * inst/a/B.classdata}.
   */
  private static String entryName(String resource) {
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    if (name.endsWith(".class")) {
      return PREFIX + name.substring(0, name.length() - ".class".length()) + CLASS_SUFFIX;
    }
    return PREFIX + name;
  }
}
