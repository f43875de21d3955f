package dev.warden.agent.hook.reactor.netty.v1_0;

import java.lang.reflect.Field;
import java.time.Duration;

/**
 * The response timeout of one request: Reactor Netty keeps it on its request object (the client's
 * {@code responseTimeout}, or the request's own, set in {@code doOnRequest}), in a field it has
 * under the same name in every version; the configuration's when that cannot be read.
 */
final class Timeouts {

  private static final ClassValue<Field> FIELD =
      new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
          for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
              Field field = c.getDeclaredField("responseTimeout");
              if (field.getType() == Duration.class) {
                field.setAccessible(true);
                return field;
              }
            } catch (NoSuchFieldException | RuntimeException e) {
              // look further up; inaccessible (a named module) counts as absent
            }
          }
          return null;
        }
      };

  private Timeouts() {}

  /** The response timeout of {@code operations}, or {@code fallback}. */
  static Duration of(Object operations, Duration fallback) {
    Field field = FIELD.get(operations.getClass());
    if (field == null) {
      return fallback;
    }
    try {
      return (Duration) field.get(operations);
    } catch (IllegalAccessException | RuntimeException e) {
      return fallback;
    }
  }
}
