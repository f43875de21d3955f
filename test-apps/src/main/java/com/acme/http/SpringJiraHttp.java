package com.acme.http;

import com.acme.Step;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.core.codec.CharSequenceEncoder;
import org.springframework.core.codec.StringDecoder;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.JettyClientHttpRequestFactory;
import org.springframework.http.client.OkHttp3ClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.converter.ByteArrayHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.ResponseErrorHandler;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.ExchangeStrategies;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Calls through Spring's {@code RestTemplate} or {@code RestClient} (names {@code
 * spring-resttemplate-ENGINE} and {@code spring-restclient-ENGINE}), on one of the engines Spring
 * applications commonly run them on: {@code urlconnection} (Spring's default), {@code jdk}, {@code
 * apache5}, {@code okhttp} (Spring 6 only), {@code jetty} and {@code reactor}; or through its
 * reactive {@code WebClient} ({@code spring-webclient-reactor}, {@code spring-webclient-jdk}),
 * blocking for the result. Errors are the application's to read, as with the other clients: no
 * status handler throws.
 */
public final class SpringJiraHttp implements JiraHttp {

  private final RestTemplate template;
  private final RestClient client;
  private final WebClient webClient;

  public SpringJiraHttp(String name, Options options) throws Exception {
    String[] parts = name.split("-", 3);
    if (parts[1].equals("webclient")) {
      this.template = null;
      this.client = null;
      this.webClient = webClient(parts[2], options);
      return;
    }
    this.webClient = null;
    ClientHttpRequestFactory factory = factory(parts[2], options);
    // Strings and bytes only: Spring would otherwise pick up the application's own (older) Jackson.
    List<HttpMessageConverter<?>> converters =
        List.of(
            new StringHttpMessageConverter(StandardCharsets.UTF_8),
            new ByteArrayHttpMessageConverter());
    if (parts[1].equals("resttemplate")) {
      // RestTemplate(List) on Spring 6, RestTemplate(Iterable) on 7.
      Constructor<RestTemplate> withConverters;
      try {
        withConverters = RestTemplate.class.getConstructor(List.class);
      } catch (NoSuchMethodException e) {
        withConverters = RestTemplate.class.getConstructor(Iterable.class);
      }
      this.template = withConverters.newInstance(converters);
      this.template.setRequestFactory(factory);
      this.template.setErrorHandler(
          new ResponseErrorHandler() {
            @Override
            public boolean hasError(ClientHttpResponse response) {
              return false;
            }
          });
      this.client = null;
    } else {
      RestClient.Builder builder = RestClient.builder().requestFactory(factory);
      // messageConverters(List) on Spring 6, messageConverters(Iterable) on 7.
      Method withConverters;
      try {
        withConverters = RestClient.Builder.class.getMethod("messageConverters", List.class);
      } catch (NoSuchMethodException e) {
        withConverters = RestClient.Builder.class.getMethod("messageConverters", Iterable.class);
      }
      withConverters.invoke(builder, converters);
      this.template = null;
      this.client = builder.build();
    }
  }

  /**
   * WebClient on Reactor Netty (Spring's default) or the JDK's client, with string codecs only (the
   * application's Jackson is too old for Spring's).
   */
  private static WebClient webClient(String engine, Options options) {
    org.springframework.http.client.reactive.ClientHttpConnector connector;
    switch (engine) {
      case "reactor":
        connector =
            new org.springframework.http.client.reactive.ReactorClientHttpConnector(
                reactor.netty.http.client.HttpClient.create()
                    .followRedirect(options.followRedirects)
                    .option(
                        io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        options.connectTimeoutMillis)
                    .responseTimeout(Duration.ofMillis(options.readTimeoutMillis)));
        break;
      case "jdk":
        connector =
            new org.springframework.http.client.reactive.JdkClientHttpConnector(
                java.net.http.HttpClient.newBuilder()
                    .connectTimeout(Duration.ofMillis(options.connectTimeoutMillis))
                    .followRedirects(
                        options.followRedirects
                            ? java.net.http.HttpClient.Redirect.NORMAL
                            : java.net.http.HttpClient.Redirect.NEVER)
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .build());
        break;
      default:
        throw new IllegalArgumentException("unknown WebClient engine " + engine);
    }
    return WebClient.builder()
        .clientConnector(connector)
        .exchangeStrategies(
            ExchangeStrategies.empty()
                .codecs(
                    codecs -> {
                      codecs.customCodecs().register(StringDecoder.allMimeTypes());
                      codecs.customCodecs().register(CharSequenceEncoder.allMimeTypes());
                    })
                .build())
        .build();
  }

  private static ClientHttpRequestFactory factory(String engine, Options options) throws Exception {
    Duration connect = Duration.ofMillis(options.connectTimeoutMillis);
    Duration read = Duration.ofMillis(options.readTimeoutMillis);
    switch (engine) {
      case "urlconnection":
        {
          SimpleClientHttpRequestFactory factory =
              new SimpleClientHttpRequestFactory() {
                @Override
                protected void prepareConnection(HttpURLConnection connection, String method)
                    throws IOException {
                  super.prepareConnection(connection, method);
                  connection.setInstanceFollowRedirects(options.followRedirects);
                }
              };
          factory.setConnectTimeout(connect);
          factory.setReadTimeout(read);
          return factory;
        }
      case "jdk":
        {
          JdkClientHttpRequestFactory factory =
              new JdkClientHttpRequestFactory(
                  java.net.http.HttpClient.newBuilder()
                      .connectTimeout(connect)
                      .followRedirects(
                          options.followRedirects
                              ? java.net.http.HttpClient.Redirect.NORMAL
                              : java.net.http.HttpClient.Redirect.NEVER)
                      .version(java.net.http.HttpClient.Version.HTTP_1_1)
                      .build());
          factory.setReadTimeout(read);
          return factory;
        }
      case "apache5":
        return new HttpComponentsClientHttpRequestFactory(
            org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .disableAutomaticRetries()
                .setConnectionManager(
                    org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder
                        .create()
                        .setMaxConnTotal(100)
                        .setMaxConnPerRoute(100)
                        .build())
                .setDefaultRequestConfig(
                    org.apache.hc.client5.http.config.RequestConfig.custom()
                        .setConnectTimeout(options.connectTimeoutMillis, TimeUnit.MILLISECONDS)
                        .setResponseTimeout(options.readTimeoutMillis, TimeUnit.MILLISECONDS)
                        .setRedirectsEnabled(options.followRedirects)
                        .build())
                .build());
      case "okhttp":
        return new OkHttp3ClientHttpRequestFactory(
            new okhttp3.OkHttpClient.Builder()
                .connectTimeout(connect)
                .readTimeout(read)
                .followRedirects(options.followRedirects)
                .retryOnConnectionFailure(false)
                .build());
      case "jetty":
        {
          org.eclipse.jetty.client.HttpClient jetty = new org.eclipse.jetty.client.HttpClient();
          jetty.setFollowRedirects(options.followRedirects);
          jetty.setConnectTimeout(options.connectTimeoutMillis);
          jetty.setMaxConnectionsPerDestination(100);
          JettyClientHttpRequestFactory factory = new JettyClientHttpRequestFactory(jetty);
          factory.setReadTimeout(read);
          factory.afterPropertiesSet();
          return factory;
        }
      case "reactor":
        {
          ReactorClientHttpRequestFactory factory =
              new ReactorClientHttpRequestFactory(
                  reactor.netty.http.client.HttpClient.create()
                      .followRedirect(options.followRedirects));
          factory.setConnectTimeout(connect);
          factory.setReadTimeout(read);
          return factory;
        }
      default:
        throw new IllegalArgumentException("unknown Spring engine " + engine);
    }
  }

  @Override
  public Result send(Step step) throws Exception {
    // Plain maps rather than HttpHeaders: Spring 7's HttpHeaders is no longer a map, and this class
    // runs on 6 and 7.
    LinkedMultiValueMap<String, String> headers = new LinkedMultiValueMap<>();
    step.headers.forEach(headers::set);
    if (step.body != null) {
      headers.set("Content-Type", "application/json");
    }
    HttpMethod method = HttpMethod.valueOf(step.method);
    Result result = new Result();
    if (webClient != null) {
      WebClient.RequestBodySpec request =
          webClient
              .method(method)
              .uri(URI.create(step.url))
              .headers(h -> headers.forEach((header, values) -> h.set(header, values.get(0))));
      WebClient.RequestHeadersSpec<?> ready =
          step.body == null ? request : request.bodyValue(step.body);
      ready
          .exchangeToMono(
              response ->
                  response
                      .bodyToMono(String.class)
                      .defaultIfEmpty("")
                      .map(
                          body -> {
                            result.status = response.statusCode().value();
                            result.headers =
                                JiraHttp.interesting(fields(response.headers().asHttpHeaders()));
                            result.body = body;
                            return result;
                          }))
          .block(Duration.ofSeconds(60));
    } else if (template != null) {
      ResponseEntity<String> response =
          template.exchange(
              URI.create(step.url), method, new HttpEntity<>(step.body, headers), String.class);
      result.status = response.getStatusCode().value();
      result.headers = JiraHttp.interesting(fields(response.getHeaders()));
      result.body = response.getBody();
    } else {
      RestClient.RequestBodySpec request =
          client
              .method(method)
              .uri(URI.create(step.url))
              .headers(h -> headers.forEach((header, values) -> h.set(header, values.get(0))));
      if (step.body != null) {
        request.body(step.body.getBytes(StandardCharsets.UTF_8));
      }
      request.exchange(
          (sent, response) -> {
            result.status = response.getStatusCode().value();
            result.headers = JiraHttp.interesting(fields(response.getHeaders()));
            result.body = StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8);
            return null;
          });
    }
    result.visibleAuthorization = headers.getFirst("Authorization");
    result.version = "HTTP_1_1";
    return result;
  }

  private static Map<String, List<String>> fields(HttpHeaders headers) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    headers.forEach(fields::put);
    return fields;
  }
}
