package dev.warden.agent.hook.okhttp.v3_12;

import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.pipeline.Gateway;
import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Warden's network interceptor, last in the client's list: sees every hop. The hop Warden decided
 * passes; a redirect hop OkHttp follows is decided anew (a network interceptor cannot answer, so a
 * denied hop fails with an {@code IOException}); a hop to a host that is no site carries no {@code
 * Authorization}.
 */
public final class WardenNetworkInterceptor implements Interceptor {

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request hop = chain.request();
    Decided decided = hop.tag(Decided.class);
    Gateway gateway = HookSupport.gateway();
    if (decided != null
        && !hop.isHttps()
        && hop.header("Authorization") != null
        && chain.connection() != null
        && dev.warden.agent.hook.Proxies.through(chain.connection().route().proxy())) {
      // A site's credential in plain text to a proxy: not sent (before the request is written).
      throw new IOException(Gateway.proxiedRefusal());
    }
    if (decided == null || gateway == null || hop.url().equals(decided.url())) {
      return chain.proceed(hop);
    }
    HttpUrl url = hop.url();
    // A later hop of a call Warden decided: a site's is decided anew, any other goes bare.
    Request.Builder edited = hop.newBuilder();
    if (gateway
        .route(url.scheme(), url.host(), url.port(), true)
        .applyTo(edited::removeHeader, edited::addHeader)) {
      return WardenInterceptor.await(gateway, new OkHttpCall(chain, false), chain);
    }
    return chain.proceed(edited.build());
  }
}
