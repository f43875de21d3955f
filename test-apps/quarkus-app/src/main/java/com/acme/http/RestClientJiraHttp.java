package com.acme.http;

import com.acme.quarkus.Result;
import com.acme.quarkus.Step;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.client.impl.ClientBuilderImpl;

/**
 * Calls through the Quarkus REST client's Jakarta REST {@code Client} (RESTEasy Reactive on Vert.x
 * core), blocking or with {@code rx()}: the request is sent on Vert.x's event loop either way.
 */
public final class RestClientJiraHttp implements JiraHttp {

  /** Where the response filter leaves what it read of the request's {@code Authorization}. */
  private static final String SEEN = "X-Acme-Seen-Authorization";

  private final Client client;
  private final boolean async;

  public RestClientJiraHttp(boolean async, boolean followRedirects, int readTimeoutMillis) {
    ClientBuilder builder = ClientBuilder.newBuilder();
    if (readTimeoutMillis > 0) {
      builder.readTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS);
    }
    // Quarkus's builder; the Jakarta REST API itself has no switch for redirects.
    ((ClientBuilderImpl) builder).followRedirects(followRedirects);
    builder.register(new SeenAuthorization());
    this.client = builder.build();
    this.async = async;
  }

  @Override
  public Result send(Step step) throws Exception {
    Invocation.Builder request = client.target(step.url).request();
    String type = "application/json";
    for (Map.Entry<String, String> header : step.headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase("Content-Type")) {
        type = header.getValue();
      } else {
        request.header(header.getKey(), header.getValue());
      }
    }
    Entity<String> entity = step.body == null ? null : Entity.entity(step.body, type);
    Response response;
    if (async) {
      try {
        response = request.rx().method(step.method, entity).toCompletableFuture().get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    } else {
      response = request.method(step.method, entity);
    }
    try (response) {
      Result result = new Result();
      result.status = response.getStatus();
      result.visibleAuthorization = response.getHeaderString(SEEN);
      result.headers = interesting(response.getStringHeaders());
      result.body = response.readEntity(String.class);
      return result;
    }
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

  /** What the application can read back of the request's {@code Authorization}, once answered. */
  private static final class SeenAuthorization implements ClientResponseFilter {
    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
      String authorization = request.getHeaderString("Authorization");
      if (authorization != null) {
        response.getHeaders().putSingle(SEEN, authorization);
      }
    }
  }
}
