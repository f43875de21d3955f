package dev.warden.agent.hook;

import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The woven part of a hook: which types it instruments, and what is woven into which methods. The
 * woven code is thin glue: it hands the call to the hook's adapter through {@link
 * dev.warden.agent.bootstrap.Hooks}. A hook on a library is Byte Buddy advice ({@link #advice}); a
 * hook on the JDK, whose methods are known exactly, is a few {@link HookCall}s, woven without Byte
 * Buddy.
 */
public interface HookInstrumentation {

  /** The internal name of {@link dev.warden.agent.bootstrap.Hooks}, for {@link HookCall}s. */
  String HOOKS = "dev/warden/agent/bootstrap/Hooks";

  /** A short name, for logs: {@code java-http-client}. */
  String name();

  /**
   * The instrumented types, by name: cheap to match against every class that loads. By default
   * those of {@link #calls()}.
   */
  default List<String> typeNames() {
    return calls().stream().map(call -> call.type().replace('/', '.')).distinct().toList();
  }

  /** Adds this hook's Byte Buddy advice to a transformer; none by default. */
  default AgentBuilder.Transformer.ForAdvice advice(
      AgentBuilder.Transformer.ForAdvice transformer) {
    return transformer;
  }

  /** This hook's calls woven without Byte Buddy; none by default. */
  default List<HookCall> calls() {
    return List.of();
  }

  /**
   * The package of this hook's adapter classes, which implement the library's types and are loaded
   * beside the library (see {@link HookAdapters}); {@code null} for a hook on the JDK, whose types
   * Warden's class loader sees itself.
   */
  default String adapterPackage() {
    return null;
  }
}
