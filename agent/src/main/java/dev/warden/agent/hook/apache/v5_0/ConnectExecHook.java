package dev.warden.agent.hook.apache.v5_0;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.ClientCall;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.MethodHook;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.pipeline.Bypass;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.HeaderEdits;
import dev.warden.agent.pipeline.HopRoute;
import dev.warden.agent.pipeline.RequestCredentials;
import dev.warden.policy.SiteUrl;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * One hop of HttpClient 5's classic exec chain, at {@code ConnectExec}. Warden sends its own copy
 * of the request down the rest of the chain, so the application's request object (which 5.0 does
 * not copy) never carries Warden's credential.
 */
public final class ConnectExecHook implements MethodHook {

  static final String CHAIN = "dev.warden.chain";

  @Override
  public Object enter(Object exec, Object[] arguments) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null || Bypass.active()) {
      return null;
    }
    ClassicHttpRequest request = (ClassicHttpRequest) arguments[0];
    ExecChain.Scope scope = (ExecChain.Scope) arguments[1];
    ExecChain chain = (ExecChain) arguments[2];
    URI uri = absolute(scope.route.getTargetHost(), request.getPath());
    HopRoute route = gateway.route(uri, scope.clientContext.getAttribute(CHAIN) != null);
    if (!route.applyTo(request::removeHeaders, request::addHeader)) {
      return null;
    }
    scope.clientContext.setAttribute(CHAIN, Boolean.TRUE);
    try {
      return gateway.handle(new Call((ExecChainHandler) exec, request, scope, chain, uri)).get();
    } catch (ExecutionException e) {
      return new Thrown(Gateway.cause(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Thrown(new InterruptedIOException("interrupted"));
    }
  }

  /**
   * The request target Warden sends: path (at least {@code /}) and query, as they are on the wire.
   */
  static String pathAndQuery(URI uri) {
    return (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  /**
   * Warden's copy of the application's request: its scheme, authority and version, Warden's
   * headers.
   */
  static <T extends HttpRequest> T copyOf(T copy, HttpRequest original, WardenRequest outgoing) {
    copy.setScheme(original.getScheme());
    copy.setAuthority(original.getAuthority());
    copy.setVersion(original.getVersion());
    copy.setHeaders(fields(outgoing.headers()));
    return copy;
  }

  static URI absolute(HttpHost host, String path) {
    int port = SiteUrl.effectivePort(host.getSchemeName(), host.getPort());
    String relative = path == null || path.isEmpty() ? "/" : path;
    if (relative.startsWith("http://") || relative.startsWith("https://")) {
      return URI.create(relative);
    }
    return URI.create(
        host.getSchemeName().toLowerCase(Locale.ROOT)
            + "://"
            + host.getHostName()
            + ":"
            + port
            + relative);
  }

  /**
   * After a hop: Warden's copy, and the request the context holds (the client points it at the
   * request it sent), show what {@link RequestCredentials#readBack} says, never Warden's
   * credential.
   */
  static void scrub(
      org.apache.hc.core5.http.protocol.HttpContext context,
      HeaderEdits readBack,
      HttpRequest copy) {
    HttpRequest inContext =
        context == null
            ? null
            : org.apache.hc.core5.http.protocol.HttpCoreContext.adapt(context).getRequest();
    for (HttpRequest request : new HttpRequest[] {copy, inContext == copy ? null : inContext}) {
      if (request != null) {
        readBack.applyTo(request::removeHeaders, request::addHeader);
      }
    }
  }

  static Headers headers(Header[] fields) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Header field : fields) {
      map.computeIfAbsent(field.getName(), k -> new ArrayList<>(1)).add(field.getValue());
    }
    return Headers.of(map);
  }

  static Header[] fields(Headers headers) {
    List<Header> fields = new ArrayList<>();
    headers
        .map()
        .forEach(
            (name, values) -> values.forEach(value -> fields.add(new BasicHeader(name, value))));
    return fields.toArray(new Header[0]);
  }

  /** One hop as Warden handles it. */
  private static final class Call implements ClientCall<ClassicHttpResponse> {
    private final ExecChainHandler exec;
    private final ClassicHttpRequest original;
    private final ExecChain.Scope scope;
    private final ExecChain chain;
    private final WardenRequest request;

    @Override
    public boolean forwardProxied(URI uri) {
      return scope.route.getProxyHost() != null;
    }

    Call(
        ExecChainHandler exec,
        ClassicHttpRequest original,
        ExecChain.Scope scope,
        ExecChain chain,
        URI uri) {
      this.exec = exec;
      this.original = original;
      this.scope = scope;
      this.chain = chain;
      HttpEntity entity = original.getEntity();
      this.request =
          new WardenRequest(
              original.getMethod(),
              uri,
              headers(original.getHeaders()),
              entity == null ? Body.NONE : Body.lazy(() -> read(entity)));
    }

    private static byte[] read(HttpEntity entity) {
      if (!entity.isRepeatable()
          || entity.getContentLength() < 0
          || entity.getContentLength() > Body.MAX_BYTES) {
        return null;
      }
      // Written out as the client would send it: some entities (Spring's) cannot be read as a
      // stream.
      try {
        java.io.ByteArrayOutputStream out =
            new java.io.ByteArrayOutputStream((int) entity.getContentLength());
        entity.writeTo(out);
        return out.toByteArray();
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    @Override
    public WardenRequest request() {
      return request;
    }

    @Override
    public CompletableFuture<WardenResponse> send(WardenRequest outgoing, Discarded discarded) {
      BasicClassicHttpRequest copy =
          copyOf(
              new BasicClassicHttpRequest(outgoing.method(), pathAndQuery(outgoing.uri())),
              original,
              outgoing);
      copy.setEntity(original.getEntity());
      try (Bypass.Scope bypass = Bypass.open()) {
        ClassicHttpResponse response = exec.execute(copy, scope, chain);
        HttpEntity entity = response.getEntity();
        return CompletableFuture.completedFuture(
            new WardenResponse(
                response.getCode(),
                headers(response.getHeaders()),
                response,
                () -> {
                  try {
                    EntityUtils.consume(entity);
                  } catch (IOException e) {
                    // Not reused; nothing more to do.
                  }
                },
                () -> entity == null ? new byte[0] : EntityUtils.toByteArray(entity)));
      } catch (IOException | HttpException | RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      } finally {
        scrub(scope.clientContext, RequestCredentials.readBack(request.headers()), copy);
      }
    }

    @Override
    public CompletableFuture<ClassicHttpResponse> toNative(
        WardenResponse response, WardenRequest sent) {
      return CompletableFuture.completedFuture((ClassicHttpResponse) response.nativeResponse());
    }

    @Override
    public CompletableFuture<ClassicHttpResponse> answer(Answer answer) {
      BasicClassicHttpResponse response =
          new BasicClassicHttpResponse(answer.status(), answer.reason());
      response.setHeaders(fields(answer.headers()));
      response.setEntity(
          new ByteArrayEntity(
              answer.body(), ContentType.parse(answer.headers().first("Content-Type"))));
      return CompletableFuture.completedFuture(response);
    }

    @Override
    public boolean sharesResponses() {
      return true;
    }

    @Override
    public boolean blocking() {
      return true;
    }
  }
}
