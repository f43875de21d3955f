/**
 * The part of Warden every class loader can see: the bootstrap class loader loads it, so that
 * advice woven into JDK and library classes can reach Warden.
 *
 * <p>It holds only what hooks need: the neutral exchange types a hook turns its client's request
 * and response into ({@link dev.warden.agent.bootstrap.WardenRequest}, {@link
 * dev.warden.agent.bootstrap.WardenResponse}, {@link dev.warden.agent.bootstrap.Answer}), the
 * contract a hook implements ({@link dev.warden.agent.bootstrap.ClientCall}), and {@link
 * dev.warden.agent.bootstrap.Hooks}, where the rest of Warden plugs in. Nothing here depends on
 * anything but {@code java.base}; the rest of Warden lives in its own isolated class loader.
 */
package dev.warden.agent.bootstrap;
