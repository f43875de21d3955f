package com.acme.bench.framework;

import java.util.function.Supplier;

/**
 * Framework-like frames (skipped by the benchmark policy's caller-skip) that the walk must get
 * through.
 */
public final class Proxy {

  private Proxy() {}

  public static <T> T invoke(int depth, Supplier<T> work) {
    return depth <= 0 ? work.get() : invoke(depth - 1, work);
  }
}
