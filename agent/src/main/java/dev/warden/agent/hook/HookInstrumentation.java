package dev.warden.agent.hook;

import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The woven part of a hook: which types it instruments, and which advice goes on which methods.
 * Advice is thin glue: it hands the call to the hook's adapter through {@link
 * dev.warden.agent.bootstrap.Hooks}.
 */
public interface HookInstrumentation {

  /** A short name, for logs: {@code java-http-client}. */
  String name();

  /** The instrumented types, by name: cheap to match against every class that loads. */
  List<String> typeNames();

  /** Adds this hook's advice to a transformer. */
  AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice transformer);

  /**
   * The package of this hook's adapter classes, which implement the library's types and are loaded
   * beside the library (see {@link HookAdapters}); {@code null} for a hook on the JDK, whose types
   * Warden's class loader sees itself.
   */
  default String adapterPackage() {
    return null;
  }
}
