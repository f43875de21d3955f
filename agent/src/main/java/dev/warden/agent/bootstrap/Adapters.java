package dev.warden.agent.bootstrap;

/**
 * Gives advice woven into a library the library's adapter: an object of Warden's that implements
 * the library's own extension types (an OkHttp {@code Interceptor}, ...), loaded where the
 * library's classes are visible. Advice casts it to the library type.
 */
public interface Adapters {

  /** No adapters: advice leaves the library alone. */
  Adapters NONE = (adapterClass, libraryLoader) -> null;

  /**
   * The adapter, one per library class loader.
   *
   * @param adapterClass the adapter's class name
   * @param libraryLoader the class loader of the library's classes
   * @return the adapter, or {@code null} when Warden is not running or cannot load it
   */
  Object adapter(String adapterClass, ClassLoader libraryLoader);
}
