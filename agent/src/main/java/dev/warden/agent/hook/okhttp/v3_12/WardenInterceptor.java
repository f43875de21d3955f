package dev.warden.agent.hook.okhttp.v3_12;

import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.pipeline.Gateway;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Warden's application interceptor, last in the client's list: decides each call to a Jira site on
 * the request the application's own interceptors made, and answers denials itself.
 */
public final class WardenInterceptor implements Interceptor {

  @Override
  public Response intercept(Chain chain) throws IOException {
    Gateway gateway = HookSupport.gateway();
    HttpUrl url = chain.request().url();
    if (gateway == null || !gateway.isSiteOrigin(url.scheme(), url.host(), url.port())) {
      return chain.proceed(chain.request());
    }
    return await(gateway, new OkHttpCall(chain, true), chain);
  }

  static Response await(Gateway gateway, OkHttpCall call, Chain chain) throws IOException {
    try {
      return gateway.handle(call, HookSupport.issuedAt(chain.call())).get();
    } catch (ExecutionException e) {
      Throwable cause = Gateway.cause(e.getCause());
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }
}
