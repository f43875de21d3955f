package dev.warden.agent.hook.jetty.v12;

import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.WardenResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.client.transport.ResponseListeners;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

/**
 * The only listener of one copy Warden sends. At the response's header fields it hands the response
 * to Warden, which either delivers it (the application's listeners are then notified of every
 * event, with an {@link AppResponse} for the application's own request, as if Jetty were notifying
 * them) or discards it (a redirect Warden follows: its content is read and dropped). Events that
 * come before Warden said which are held, and every notification runs in order, one at a time, on
 * whichever thread brought it; no lock is held while the application's listeners run. A failure
 * before the header fields is the send's failure, which Warden hands on.
 */
final class Relay implements Response.Listener {

  private final JettyCall call;
  private final HttpRequest copy;
  private final CompletableFuture<WardenResponse> response;
  private final Object lock = new Object();
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private List<Consumer<Boolean>> held = new ArrayList<>(4);
  private Boolean delivered;
  private volatile Response network;
  private volatile AppResponse view;

  /** Whether the response is read whole before Warden sees it (its call leads identical ones). */
  private volatile boolean readWhole;

  /** The body read whole, once it is. */
  private volatile byte[] body;

  Relay(JettyCall call, HttpRequest copy, CompletableFuture<WardenResponse> response) {
    this.call = call;
    this.copy = copy;
    this.response = response;
  }

  @Override
  public void onBegin(Response received) {
    // Notified at delivery, with the header fields.
  }

  @Override
  public boolean onHeader(Response received, HttpField field) {
    return true;
  }

  @Override
  public void onHeaders(Response received) {
    network = received;
    long length = received.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    if (call.leading()
        && received.getStatus() >= 200
        && length >= 0
        && length <= Body.MAX_BYTES
        && !HttpMethod.HEAD.is(copy.getMethod())) {
      // It leads identical requests: Warden sees the response once its body is read whole.
      readWhole = true;
      if (length == 0) {
        readWhole(new byte[0]);
      }
      return;
    }
    response.complete(
        new WardenResponse(
            received.getStatus(), JettyCall.headers(received.getHeaders()), this, this::discard));
  }

  /** The leader's body is read whole: the response goes to Warden with it. */
  private void readWhole(byte[] bytes) {
    body = bytes;
    Response received = network;
    response.complete(
        new WardenResponse(
            received.getStatus(),
            JettyCall.headers(received.getHeaders()),
            this,
            this::discard,
            () -> bytes));
  }

  @Override
  public void onContentSource(Response received, Content.Source source) {
    if (readWhole) {
      // In order: the content's event is queued before the read that lets success follow.
      event(
          deliver -> {
            if (deliver) {
              listeners().notifyContentSource(view, Content.Source.from(ByteBuffer.wrap(body)));
            }
          });
      Content.Source.asByteArrayAsync(source, Body.MAX_BYTES)
          .whenComplete(
              (bytes, failure) -> {
                if (failure != null) {
                  response.completeExceptionally(failure);
                } else {
                  readWhole(bytes);
                }
              });
      return;
    }
    event(
        deliver -> {
          if (deliver) {
            listeners().notifyContentSource(view, source);
          } else {
            Content.Source.consumeAll(source, Callback.NOOP);
          }
        });
  }

  @Override
  public void onSuccess(Response received) {
    event(
        deliver -> {
          if (deliver) {
            AppResponse app = view;
            for (HttpField trailer :
                received.getTrailers() == null ? List.<HttpField>of() : received.getTrailers()) {
              app.trailer(trailer);
            }
            listeners().notifySuccess(app);
          }
        });
  }

  @Override
  public void onFailure(Response received, Throwable failure) {
    event(
        deliver -> {
          if (deliver) {
            listeners().notifyFailure(view, failure);
          }
        });
  }

  @Override
  public void onComplete(Result result) {
    if (!response.isDone() && !(readWhole && result.getFailure() == null)) {
      // No response: the client's own failure (refused, timed out, aborted), for Warden to hand on.
      Throwable failure = result.getFailure();
      response.completeExceptionally(
          failure != null ? failure : new IOException("no response to " + copy.getMethod()));
      return;
    }
    event(
        deliver -> {
          if (deliver) {
            call.complete(
                new Result(
                    call.original(),
                    result.getRequestFailure(),
                    view,
                    result.getResponseFailure()));
          }
        });
  }

  /** Warden hands the response to the application. */
  void deliver() {
    decide(
        true,
        () -> {
          Response received = network;
          HttpRequest original = call.original();
          AppResponse app = new AppResponse(original, call);
          app.version(received.getVersion())
              .status(received.getStatus())
              .reason(received.getReason());
          view = app;
          ResponseListeners listeners = listeners();
          listeners.notifyBegin(app);
          for (HttpField field : received.getHeaders()) {
            // As Jetty's receiver: a header listener returning false keeps the field from the
            // response.
            if (listeners.notifyHeader(app, field)) {
              app.addHeader(field);
            }
          }
          listeners.notifyHeaders(app);
        });
  }

  /** Warden will not hand the response on (it follows the redirect). */
  void discard() {
    decide(false, null);
  }

  private ResponseListeners listeners() {
    return call.original().getResponseListeners();
  }

  private void decide(boolean deliver, Runnable first) {
    synchronized (lock) {
      if (delivered != null) {
        return;
      }
      delivered = deliver;
      if (first != null) {
        queue.add(first);
      }
      for (Consumer<Boolean> event : held) {
        queue.add(() -> event.accept(deliver));
      }
      held = null;
    }
    drain();
  }

  private void event(Consumer<Boolean> event) {
    synchronized (lock) {
      if (delivered == null) {
        held.add(event);
        return;
      }
      boolean deliver = delivered;
      queue.add(() -> event.accept(deliver));
    }
    drain();
  }

  private void drain() {
    while (draining.compareAndSet(false, true)) {
      try {
        Runnable next;
        while ((next = queue.poll()) != null) {
          next.run();
        }
      } finally {
        draining.set(false);
      }
      if (queue.isEmpty()) {
        return;
      }
    }
  }
}
