package dev.warden.agent.hook.vertx.v4_0;

import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.impl.HttpContext;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Function;

/**
 * WebClient 4's response expectations ({@code HttpRequest.expect(ResponsePredicate)}, gone in 5.0),
 * applied to Warden's answers as WebClient's {@code PredicateInterceptor} applies them to a
 * response from the network: an application that expects a 2xx gets the failure its predicate makes
 * of a denial, not a 403 on its success path. Its predicate types are not in 5.0, so they are
 * reached by reflection (a {@code ResponsePredicate} is a {@code java.util.function.Function}).
 */
final class Expectations {

  private static final String PREDICATES = "io.vertx.ext.web.client.predicate.";

  private Expectations() {}

  /**
   * The failure the request's expectations make of an answer, or {@code null} when they are met or
   * there are none (always, in 5.0).
   *
   * @param head the answer without its body, as predicates see a response
   * @param withBody the answer with its body, for an error converter that asks for it
   */
  @SuppressWarnings("unchecked")
  static Throwable unmet(HttpContext<?> ctx, HttpResponse<Void> head, HttpResponse<Buffer> withBody)
      throws ReflectiveOperationException {
    List<?> expectations = expectations(ctx.request());
    if (expectations == null || expectations.isEmpty()) {
      return null;
    }
    ClassLoader loader = HttpContext.class.getClassLoader();
    Class<?> predicateType = Class.forName(PREDICATES + "ResponsePredicate", false, loader);
    Class<?> resultType = Class.forName(PREDICATES + "ResponsePredicateResult", false, loader);
    Class<?> converterType = Class.forName(PREDICATES + "ErrorConverter", false, loader);
    for (Object expectation : expectations) {
      Object result;
      try {
        result = ((Function<Object, Object>) expectation).apply(head);
      } catch (RuntimeException e) {
        return e;
      }
      if (Boolean.TRUE.equals(resultType.getMethod("succeeded").invoke(result))) {
        continue;
      }
      Object converter = predicateType.getMethod("errorConverter").invoke(expectation);
      boolean requiresBody =
          Boolean.TRUE.equals(converterType.getMethod("requiresBody").invoke(converter));
      Method setResponse = result.getClass().getMethod("setHttpResponse", HttpResponse.class);
      setResponse.setAccessible(true);
      setResponse.invoke(result, requiresBody ? withBody : head);
      Throwable failure;
      try {
        failure =
            (Throwable) converterType.getMethod("apply", resultType).invoke(converter, result);
      } catch (InvocationTargetException e) {
        failure = e.getCause();
      }
      return failure != null ? failure : invalid(loader);
    }
    return null;
  }

  /** {@code expectations()} from 4.5, the public field before; neither in 5.0. */
  private static List<?> expectations(Object request) throws ReflectiveOperationException {
    try {
      Method accessor = request.getClass().getMethod("expectations");
      accessor.setAccessible(true);
      return (List<?>) accessor.invoke(request);
    } catch (NoSuchMethodException e) {
      try {
        Field field = request.getClass().getField("expectations");
        return (List<?>) field.get(request);
      } catch (NoSuchFieldException none) {
        return null;
      }
    }
  }

  /** What {@code PredicateInterceptor} fails with when a converter makes no exception. */
  private static Throwable invalid(ClassLoader loader) {
    try {
      return (Throwable)
          Class.forName("io.vertx.core.impl.NoStackTraceThrowable", false, loader)
              .getConstructor(String.class)
              .newInstance("Invalid HTTP response");
    } catch (ReflectiveOperationException | RuntimeException e) {
      return new VertxException("Invalid HTTP response");
    }
  }
}
