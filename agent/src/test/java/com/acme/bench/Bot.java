package com.acme.bench;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Application code that hands a library's method to a pool as a method reference. */
public final class Bot {
  private Bot() {}

  /** Submits {@code library::call}: on the pool's thread, only the reference's frame is Bot's. */
  public static <T> Future<T> viaPool(ExecutorService pool, Callable<T> library) {
    return pool.submit(library::call);
  }
}
