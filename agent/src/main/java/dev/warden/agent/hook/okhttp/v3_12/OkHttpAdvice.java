package dev.warden.agent.hook.okhttp.v3_12;

import dev.warden.agent.bootstrap.Hooks;
import java.util.List;
import net.bytebuddy.asm.Advice;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/** The advice of {@link OkHttpInstrumentation}: thin glue to the adapters. */
public final class OkHttpAdvice {

  private OkHttpAdvice() {}

  /** On {@code new OkHttpClient(builder)}: Warden's interceptors, last of each list, once. */
  public static final class AddInterceptors {

    private AddInterceptors() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) OkHttpClient.Builder builder) {
      ClassLoader loader = OkHttpClient.class.getClassLoader();
      Object application =
          Hooks.adapters.adapter("dev.warden.agent.hook.okhttp.v3_12.WardenInterceptor", loader);
      Object network =
          Hooks.adapters.adapter(
              "dev.warden.agent.hook.okhttp.v3_12.WardenNetworkInterceptor", loader);
      if (application != null && network != null) {
        List<Interceptor> interceptors = builder.interceptors();
        interceptors.remove(application);
        interceptors.add((Interceptor) application);
        List<Interceptor> networkInterceptors = builder.networkInterceptors();
        networkInterceptors.remove(network);
        networkInterceptors.add((Interceptor) network);
      }
    }
  }

  /**
   * On {@code call.enqueue(callback)}: the issuing code is the caller, not the dispatcher thread.
   */
  public static final class RememberIssuer {

    private RememberIssuer() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This okhttp3.Call call) {
      okhttp3.HttpUrl url = call.request().url();
      Hooks.asyncCalls.issued(call, url.scheme(), url.host(), url.port());
    }
  }
}
