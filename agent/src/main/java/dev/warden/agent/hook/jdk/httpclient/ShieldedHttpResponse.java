package dev.warden.agent.hook.jdk.httpclient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * Jira's response as the client delivered it, except that {@link #request()} is the request as the
 * application made it: the one Warden sent carries the site's credential, which the application
 * must not be able to read back.
 */
final class ShieldedHttpResponse<T> implements HttpResponse<T> {

  private final HttpResponse<T> response;
  private final HttpRequest request;

  ShieldedHttpResponse(HttpResponse<T> response, HttpRequest request) {
    this.response = response;
    this.request = request;
  }

  @Override
  public int statusCode() {
    return response.statusCode();
  }

  @Override
  public HttpRequest request() {
    return request;
  }

  @Override
  public Optional<HttpResponse<T>> previousResponse() {
    return Optional.empty();
  }

  @Override
  public HttpHeaders headers() {
    return response.headers();
  }

  @Override
  public T body() {
    return response.body();
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return response.sslSession();
  }

  @Override
  public URI uri() {
    return response.uri();
  }

  @Override
  public HttpClient.Version version() {
    return response.version();
  }

  @Override
  public String toString() {
    return "(" + request.method() + " " + response.uri() + ") " + response.statusCode();
  }
}
