package dev.warden.agent.hook.micronaut.http.v4_0;

import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.hook.CallOrigin;
import dev.warden.agent.hook.WeakIdentityMap;
import dev.warden.agent.hook.netty.v4_1.ChannelGate;
import io.micronaut.core.execution.ExecutionFlow;
import io.micronaut.http.HttpRequest;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** The adapters of {@link MicronautInstrumentation}. */
public final class MicronautHooks {

  private MicronautHooks() {}

  /** The origin of each request of a call to a site (identity, weakly). */
  private static final WeakIdentityMap<CallOrigin> BY_REQUEST = new WeakIdentityMap<>();

  /** The request attribute where Micronaut keeps the channel a request goes on. */
  private static final String CHANNEL = "netty_channel";

  /**
   * A request past the client's filters: its origin when bound for a site, and kept with it. A
   * redirect's request has its call's origin already ({@link Redirect}), and no new one.
   */
  public static final class Begin implements Function<Object, Object> {

    @Override
    public Object apply(Object sent) {
      if (!(sent instanceof HttpRequest<?> request) || BY_REQUEST.get(request) != null) {
        return null;
      }
      URI uri = request.getUri();
      if (uri == null) {
        return null;
      }
      var fields = request.getHeaders();
      CallOrigin origin =
          CallOrigin.begin(
              request.getMethodName(),
              uri.getScheme(),
              dev.warden.policy.SiteUrl.hostOf(uri),
              dev.warden.policy.SiteUrl.portOf(uri),
              () -> uri,
              // The fields, not the request: the request is the weak map's key.
              () -> Headers.of(fields.asMap()));
      if (origin != null) {
        BY_REQUEST.put(request, origin);
      }
      return origin;
    }
  }

  /**
   * Follows the call's execution flow, given the call's origin and request: a call that fails
   * before any hop is audited with its failure. The flow is chained, never consumed: Micronaut's
   * flows take one consumer.
   */
  public static final class Follow implements BiFunction<Object, Object, Object> {

    @Override
    public Object apply(Object call, Object returned) {
      if (!(call instanceof Object[] parts)
          || parts.length != 2
          || !(parts[0] instanceof CallOrigin origin)
          || !(returned instanceof ExecutionFlow<?> flow)) {
        return returned;
      }
      Object request = parts[1];
      return flow.<Object>map(
              response -> {
                ended(origin, request, null);
                return response;
              })
          .onErrorResume(
              error -> {
                ended(origin, request, error);
                return ExecutionFlow.error(error);
              });
    }

    /**
     * The call ended: its request forgets its origin (an application may send the same request
     * object again, as a new call). Never changes what the application gets.
     */
    private static void ended(CallOrigin origin, Object request, Throwable error) {
      try {
        BY_REQUEST.remove(request);
        if (error == null) {
          origin.connected();
        } else {
          origin.failed(error);
        }
      } catch (RuntimeException e) {
        dev.warden.agent.log.Log.get()
            .error("internal error after a Micronaut call (" + e.getClass().getName() + ")");
      }
    }
  }

  /** A redirect's request continues its call: same origin, so that the chain is known. */
  public static final class Redirect implements BiConsumer<Object, Object> {

    @Override
    public void accept(Object request, Object next) {
      CallOrigin origin = BY_REQUEST.get(request);
      if (origin != null) {
        BY_REQUEST.put(next, origin);
      }
    }
  }

  /** A request about to be written on its channel: its origin goes there first. */
  public static final class Write implements Consumer<Object> {

    @Override
    public void accept(Object sent) {
      if (!(sent instanceof HttpRequest<?> request)) {
        return;
      }
      CallOrigin origin = BY_REQUEST.get(request);
      if (origin != null && request.getAttribute(CHANNEL).orElse(null) instanceof Channel channel) {
        ChannelGate.handOver(channel, origin);
      }
    }
  }

  /**
   * A TLS connection about to start: to a site, it offers HTTP/1.1 alone by ALPN where it offered
   * HTTP/2 too. An engine that cannot change its offer keeps it: HTTP/2 to a site then stays
   * unmanaged egress.
   */
  public static final class Tls implements Consumer<Object> {

    @Override
    public void accept(Object made) {
      if (!(made instanceof SslHandler handler)) {
        return;
      }
      SSLEngine engine = handler.engine();
      if (engine.getPeerHost() == null
          || !CallOrigin.isSite("https", engine.getPeerHost(), engine.getPeerPort())) {
        return;
      }
      SSLParameters parameters = engine.getSSLParameters();
      String[] offered = parameters.getApplicationProtocols();
      if (offered != null && offered.length > 1 && Arrays.asList(offered).contains("http/1.1")) {
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        engine.setSSLParameters(parameters);
      }
    }
  }
}
