package dev.warden.agent.hook;

import dev.warden.agent.bootstrap.Adapters;
import dev.warden.agent.log.Log;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates library hooks' adapters: one hook class loader per application class loader, one adapter
 * instance per class in it. Weakly keyed, so an application class loader that goes away (a
 * redeployed web application) takes its adapters with it.
 */
public final class HookAdapters implements Adapters {

  private final ClassLoader warden;
  private final List<String> adapterPackages;
  private final Map<ClassLoader, Loaded> byLoader = new WeakHashMap<>();
  private final Loaded forBootstrap;

  /**
   * @param warden Warden's class loader
   * @param adapterPackages the packages whose classes are adapters ({@code
   *     dev.warden.agent.hook.okhttp.})
   */
  public HookAdapters(ClassLoader warden, List<String> adapterPackages) {
    this.warden = warden;
    this.adapterPackages = List.copyOf(adapterPackages);
    this.forBootstrap = new Loaded(new HookClassLoader(warden, null, adapterPackages));
  }

  /** The adapters loaded for one application class loader. */
  private static final class Loaded {
    final HookClassLoader loader;
    final Map<String, Object> instances = new ConcurrentHashMap<>();

    Loaded(HookClassLoader loader) {
      this.loader = loader;
    }
  }

  @Override
  public Object adapter(String adapterClass, ClassLoader libraryLoader) {
    Loaded loaded;
    if (libraryLoader == null) {
      loaded = forBootstrap;
    } else {
      synchronized (byLoader) {
        loaded =
            byLoader.computeIfAbsent(
                libraryLoader, k -> new Loaded(new HookClassLoader(warden, k, adapterPackages)));
      }
    }
    Object adapter = loaded.instances.get(adapterClass);
    if (adapter == null) {
      adapter = create(adapterClass, loaded.loader, libraryLoader);
      if (adapter != null) {
        Object raced = loaded.instances.putIfAbsent(adapterClass, adapter);
        adapter = raced == null ? adapter : raced;
      }
    }
    return adapter;
  }

  private static Object create(
      String adapterClass, HookClassLoader loader, ClassLoader libraryLoader) {
    try {
      return Class.forName(adapterClass, true, loader).getConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      Log.get()
          .error(
              "cannot load Warden's adapter "
                  + adapterClass
                  + " for "
                  + libraryLoader
                  + ": "
                  + e
                  + "; requests through that client are not guarded");
      return null;
    }
  }
}
