package dev.warden.agent.hook;

import dev.warden.agent.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The transformer Warden registers: it matches the hooked types by name. The JDK's go to the {@link
 * PlainWeaver} at once; the libraries' go to the {@link Weaver}, Byte Buddy, which is set up off
 * the application's main thread. Setting up Byte Buddy and weaving its first class takes a few
 * hundred milliseconds of class loading and interpretation, which {@code premain} would otherwise
 * add to every start.
 *
 * <p>No hooked class ever loads unwoven: one that loads before Byte Buddy is ready waits for it (on
 * the thread loading it, so only code that uses a hooked library that early waits), then is woven
 * as it loads. Every other class passes at once, for the cost of a set lookup, and never reaches
 * Byte Buddy.
 */
final class DeferredWeaving implements ClassFileTransformer {

  /**
   * How long a hooked class waits for Byte Buddy before it loads unguarded (and that is logged).
   */
  static final long WAIT_SECONDS = 60;

  private final PlainWeaver plain;
  private final Set<String> internalNames;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile Runnable onWanted = () -> {};
  private final java.util.concurrent.atomic.AtomicBoolean wanted =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile ClassWeaver woven;
  private final ThreadLocal<Boolean> weaving = ThreadLocal.withInitial(() -> Boolean.FALSE);
  private volatile Thread weaver;
  private final Set<String> passedUnwoven = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param plain what weaves the JDK's hooked types at once, without Byte Buddy; {@code null} for
   *     none
   * @param internalNames the types Byte Buddy weaves, by name as the JVM gives them ({@code
   *     okhttp3/OkHttpClient})
   */
  DeferredWeaving(PlainWeaver plain, Set<String> internalNames) {
    this.plain = plain;
    this.internalNames = Set.copyOf(internalNames);
  }

  /** A gate for types Byte Buddy weaves only. */
  DeferredWeaving(Set<String> internalNames) {
    this(null, internalNames);
  }

  /** The thread that sets Byte Buddy up: what it loads passes, since it cannot wait for itself. */
  void weaver(Thread thread) {
    this.weaver = thread;
  }

  /** The weaver is ready (or {@code null}: it could not be set up, as was logged). */
  void ready(ClassWeaver weaver) {
    woven = weaver;
    ready.countDown();
  }

  /**
   * What to do when a class Byte Buddy weaves first loads before it is ready (set it up, if that
   * has not begun): run once, on the loading thread, which then waits for it.
   */
  void onWanted(Runnable action) {
    this.onWanted = action;
  }

  boolean isReady() {
    return ready.getCount() == 0;
  }

  /** The hooked classes that loaded without Byte Buddy, by name: they are to be retransformed. */
  Set<String> passedUnwoven() {
    return Set.copyOf(passedUnwoven);
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] bytes)
      throws IllegalClassFormatException {
    // Hooked types are matched by name only, so no weaver ever sees another class; and running
    // its code while the JVM loads its own internals (java.lang.invoke, as another agent starts)
    // could make that loading circular.
    if (className == null) {
      return null;
    }
    if (plain != null && plain.internalNames().contains(className)) {
      return plain.weave(module, className, bytes);
    }
    if (!internalNames.contains(className)) {
      return null;
    }
    String name = className.replace('/', '.');
    ClassWeaver weaver = woven;
    if (weaver == null) {
      if (Thread.currentThread() != this.weaver && wanted.compareAndSet(false, true)) {
        onWanted.run();
      }
      if (Thread.currentThread() == this.weaver || !awaitReady(className)) {
        passedUnwoven.add(name);
        return null;
      }
      weaver = woven;
      if (weaver == null) {
        return null;
      }
    }
    if (weaving.get()) {
      // A hooked class that loads while this thread weaves another (the type pool reads class files
      // and loads nothing, so this is not expected): it is woven once it has loaded.
      weaver.retransformLater(name, loader);
      return null;
    }
    weaving.set(Boolean.TRUE);
    try {
      return weaver.weave(module, loader, name, domain, bytes);
    } finally {
      weaving.set(Boolean.FALSE);
    }
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] bytes)
      throws IllegalClassFormatException {
    return transform(null, loader, className, redefined, domain, bytes);
  }

  /** What weaves a hooked class ({@link Weaver}). */
  interface ClassWeaver {
    /**
     * The class with its hooks woven in, or {@code null} to leave it as it is.
     *
     * @param name the binary name
     */
    byte[] weave(
        Module module, ClassLoader loader, String name, ProtectionDomain domain, byte[] bytes);

    /** Weaves a hooked class once it has loaded, since it could not be woven as it loaded. */
    void retransformLater(String name, ClassLoader loader);
  }

  /** Waits for Byte Buddy; an interrupt is kept for the thread but does not end the wait. */
  private boolean awaitReady(String className) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    boolean interrupted = false;
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        try {
          if (ready.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
            return true;
          }
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    Log.get()
        .error(
            "Byte Buddy was not ready after "
                + WAIT_SECONDS
                + " s; "
                + className.replace('/', '.')
                + " loads without Warden's hook");
    return false;
  }
}
