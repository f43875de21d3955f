package dev.warden.agent.hook;

import dev.warden.agent.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Byte Buddy, set up off the application's main thread. Setting up Byte Buddy and weaving its first
 * class takes about half a second of class loading and interpretation, which {@code premain} would
 * otherwise add to every start. Instead {@code premain} registers this plain transformer, which
 * knows the hooked types by name only, and Byte Buddy's transformer is built on a thread of its own
 * and then does all the weaving through it.
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

  private final Set<String> internalNames;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile ClassFileTransformer woven;
  private volatile Thread weaver;
  private final Set<String> passedUnwoven = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param internalNames the hooked types' names, as the JVM gives them ({@code
   *     jdk/internal/net/http/HttpClientImpl})
   */
  DeferredWeaving(Set<String> internalNames) {
    this.internalNames = Set.copyOf(internalNames);
  }

  /** The thread that sets Byte Buddy up: what it loads passes, since it cannot wait for itself. */
  void weaver(Thread thread) {
    this.weaver = thread;
  }

  /** Byte Buddy's transformer is ready (or {@code null}: it could not be set up, as was logged). */
  void ready(ClassFileTransformer transformer) {
    woven = transformer;
    ready.countDown();
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
    // Byte Buddy matches hooked types by name only, so it never needs to see another class; and
    // running its code while the JVM loads its own internals (java.lang.invoke, as another agent
    // starts) could make that loading circular.
    if (className == null || !internalNames.contains(className)) {
      return null;
    }
    ClassFileTransformer transformer = woven;
    if (transformer == null) {
      if (Thread.currentThread() == weaver || !awaitReady(className)) {
        passedUnwoven.add(className.replace('/', '.'));
        return null;
      }
      transformer = woven;
      if (transformer == null) {
        return null;
      }
    }
    return transformer.transform(module, loader, className, redefined, domain, bytes);
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
