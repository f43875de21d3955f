package com.acme.http;

import com.acme.micronaut.Result;
import com.acme.micronaut.Step;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import reactor.core.publisher.Mono;

/**
 * Calls through Micronaut's Netty {@code HttpClient}, one per origin: blocking ({@code
 * toBlocking()}) or reactive ({@code exchange}, awaited). Either way Micronaut writes the request
 * on the connection's event loop.
 */
public final class MicronautJiraHttp implements JiraHttp {

  private final DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
  private final boolean async;

  public MicronautJiraHttp(boolean async, boolean followRedirects, int readTimeoutMillis) {
    this.async = async;
    configuration.setFollowRedirects(followRedirects);
    if (readTimeoutMillis > 0) {
      configuration.setReadTimeout(Duration.ofMillis(readTimeoutMillis));
    }
  }

  @Override
  public Result send(Step step) throws Exception {
    URI uri = URI.create(step.url);
    HttpClient client = clients.computeIfAbsent(origin(uri), this::create);
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    MutableHttpRequest<Object> request = HttpRequest.create(HttpMethod.parse(step.method), target);
    step.headers.forEach(request::header);
    if (step.body != null) {
      request.body(step.body);
    }
    HttpResponse<String> response;
    try {
      response =
          async
              ? Mono.from(client.exchange(request, String.class)).toFuture().get()
              : client.toBlocking().exchange(request, String.class);
    } catch (HttpClientResponseException e) {
      response = answered(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HttpClientResponseException answered) {
        response = answered(answered);
      } else {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
    Result result = new Result();
    result.status = response.code();
    result.headers = interesting(response.getHeaders().asMap());
    result.body = response.getBody(String.class).orElse("");
    result.visibleAuthorization = request.getHeaders().get("Authorization");
    return result;
  }

  @SuppressWarnings("unchecked")
  private static HttpResponse<String> answered(HttpClientResponseException e) {
    return (HttpResponse<String>) e.getResponse();
  }

  private HttpClient create(String origin) {
    try {
      return HttpClient.create(new URL(origin), configuration);
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException(origin, e);
    }
  }

  private static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /** The response fields a test looks at: Warden's, Jira's rate limits, and a few of HTTP's. */
  private static Map<String, String> interesting(Map<String, List<String>> fields) {
    Map<String, String> out = new TreeMap<>();
    fields.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (!values.isEmpty()
              && (lower.startsWith("x-warden-")
                  || lower.startsWith("x-ratelimit")
                  || lower.equals("retry-after")
                  || lower.equals("content-type")
                  || lower.equals("location"))) {
            out.put(lower, values.get(values.size() - 1));
          }
        });
    return out;
  }
}
