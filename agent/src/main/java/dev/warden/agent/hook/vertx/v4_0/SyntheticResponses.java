package dev.warden.agent.hook.vertx.v4_0;

import dev.warden.agent.bootstrap.Answer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.HttpResponseImpl;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Warden's answers (403, 429, 503) as WebClient responses: an {@code HttpResponseImpl} (whose
 * constructor is the same from 4.0 to 5.0) whose body went through the request's own body codec, so
 * that {@code body()} has the type the application asked for ({@code Buffer}, {@code String},
 * {@code JsonObject}, ...). How a codec is run differs: 4.x {@code create(handler)}, 5.x {@code
 * stream()}; and the codec is a field of the request ({@code bodyCodec()} from 4.5). Both are
 * reached by reflection; when they cannot be, the call fails with an {@code IOException} carrying
 * the answer's message, as for a client that cannot be handed a made-up response. A 4.x request's
 * expectations ({@link Expectations}) are applied first, as WebClient applies them before decoding.
 */
final class SyntheticResponses {

  /** {@code BodyCodec.stream()}, Vert.x 5; {@code null} before. */
  private static final Method STREAM = method(BodyCodec.class, "stream");

  /** {@code BodyCodec.create(Handler)}, Vert.x 4; {@code null} after. */
  private static final Method CREATE = method(BodyCodec.class, "create", Handler.class);

  private SyntheticResponses() {}

  /**
   * What the application gets for an answer: a response, or the failure its expectations make of
   * it.
   *
   * @param response the response, or {@code null}
   * @param failure the failure, or {@code null}
   */
  record Delivery(HttpResponse<?> response, Throwable failure) {}

  /** The answer as a response to the context's request; fails when the body cannot be decoded. */
  static CompletableFuture<Delivery> of(HttpContext<?> ctx, Answer answer) {
    CompletableFuture<Delivery> made = new CompletableFuture<>();
    try {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      answer
          .headers()
          .map()
          .forEach((name, values) -> values.forEach(value -> headers.add(name, value)));
      List<String> redirects = redirects(ctx);
      Throwable unmet =
          Expectations.unmet(
              ctx,
              response(answer, headers, redirects, null),
              response(answer, headers, redirects, Buffer.buffer(answer.body())));
      if (unmet != null) {
        made.complete(new Delivery(null, unmet));
        return made;
      }
      decode(codec(ctx.request()), Buffer.buffer(answer.body()))
          .whenComplete(
              (body, error) -> {
                if (error != null) {
                  made.completeExceptionally(error);
                } else {
                  made.complete(new Delivery(response(answer, headers, redirects, body), null));
                }
              });
    } catch (Exception | LinkageError e) {
      made.completeExceptionally(e);
    }
    return made;
  }

  private static <T> HttpResponse<T> response(
      Answer answer, MultiMap headers, List<String> redirects, T body) {
    return new HttpResponseImpl<>(
        HttpVersion.HTTP_1_1,
        answer.status(),
        answer.reason(),
        MultiMap.caseInsensitiveMultiMap().addAll(headers),
        MultiMap.caseInsensitiveMultiMap(),
        new ArrayList<>(),
        body,
        new ArrayList<>(redirects));
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Object> decode(BodyCodec<Object> codec, Buffer bytes)
      throws Exception {
    CompletableFuture<Object> decoded = new CompletableFuture<>();
    if (STREAM != null) {
      write((BodyStream<Object>) STREAM.invoke(codec), bytes, decoded);
    } else if (CREATE != null) {
      Handler<AsyncResult<BodyStream<Object>>> created =
          result -> {
            if (result.succeeded()) {
              write(result.result(), bytes, decoded);
            } else {
              decoded.completeExceptionally(result.cause());
            }
          };
      CREATE.invoke(codec, created);
    } else {
      throw new NoSuchMethodException("BodyCodec.stream() or create(Handler)");
    }
    return decoded;
  }

  private static void write(
      BodyStream<Object> stream, Buffer bytes, CompletableFuture<Object> decoded) {
    stream
        .result()
        .onComplete(
            result -> {
              if (result.succeeded()) {
                decoded.complete(result.result());
              } else {
                decoded.completeExceptionally(result.cause());
              }
            });
    stream.write(bytes);
    stream.end();
  }

  /** The request's body codec: {@code bodyCodec()} from 4.5, the {@code codec} field in 4.0. */
  @SuppressWarnings("unchecked")
  private static BodyCodec<Object> codec(Object request) throws ReflectiveOperationException {
    for (Class<?> type = request.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField("codec");
        field.setAccessible(true);
        Object codec = field.get(request);
        if (codec instanceof BodyCodec) {
          return (BodyCodec<Object>) codec;
        }
      } catch (NoSuchFieldException e) {
        // Up the hierarchy.
      }
    }
    Method accessor = request.getClass().getMethod("bodyCodec");
    accessor.setAccessible(true);
    return (BodyCodec<Object>) accessor.invoke(request);
  }

  /**
   * The redirects followed so far: {@code redirectedLocations()} in 5, {@code
   * getRedirectedLocations()} in 4.
   */
  @SuppressWarnings("unchecked")
  private static List<String> redirects(HttpContext<?> ctx) {
    for (String name : new String[] {"redirectedLocations", "getRedirectedLocations"}) {
      Method method = method(HttpContext.class, name);
      if (method != null) {
        try {
          return new ArrayList<>((List<String>) method.invoke(ctx));
        } catch (ReflectiveOperationException | RuntimeException e) {
          break;
        }
      }
    }
    return new ArrayList<>();
  }

  private static Method method(Class<?> type, String name, Class<?>... parameters) {
    try {
      return type.getMethod(name, parameters);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
