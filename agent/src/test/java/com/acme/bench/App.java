package com.acme.bench;

import java.util.function.Supplier;

/** Application frames for the caller-lookup benchmark: what the walk is looking for. */
public final class App {

  private App() {}

  /** Calls {@code work} {@code depth} frames down. */
  public static <T> T run(int depth, Supplier<T> work) {
    return depth <= 0 ? work.get() : run(depth - 1, work);
  }
}
