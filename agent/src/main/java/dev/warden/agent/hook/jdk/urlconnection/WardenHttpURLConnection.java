package dev.warden.agent.hook.jdk.urlconnection;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.pipeline.Gateway;
import dev.warden.agent.pipeline.RequestCredentials;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSocketFactory;

/**
 * The connection an application gets for a Jira site's URL. It takes the request as the application
 * builds it (method, properties, a body written to its output stream) and hands it to Warden when
 * the application first asks for the response; from then on it reads the response Warden obtained,
 * or Warden's own answer, exactly as the JDK's connection would present it: a 403 has its status
 * and fields, {@code getErrorStream()} has the body, and {@code getInputStream()} throws as for any
 * error status.
 *
 * <p>Unlike the JDK's, {@code connect()} opens nothing: the request is decided, then sent, when the
 * response is first read, and a streamed body is buffered so that it can be classified.
 */
final class WardenHttpURLConnection extends HttpURLConnection {

  private final HttpURLConnection first;
  private final Proxy proxy;
  private final Gateway gateway;
  private final Map<String, List<String>> properties = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  private BufferedBody output;
  private SSLSocketFactory sslSocketFactory;
  private HostnameVerifier hostnameVerifier;
  private Authenticator authenticator;
  private UrlConnectionCall.Result result;
  private IOException failure;

  WardenHttpURLConnection(URL url, HttpURLConnection first, Proxy proxy, Gateway gateway) {
    super(url);
    this.first = first;
    this.proxy = proxy;
    this.gateway = gateway;
    this.instanceFollowRedirects = first.getInstanceFollowRedirects();
    this.useCaches = first.getUseCaches();
    for (Map.Entry<String, List<String>> entry : first.getRequestProperties().entrySet()) {
      if (entry.getKey() != null) {
        properties.put(entry.getKey(), new ArrayList<>(entry.getValue()));
      }
    }
  }

  Proxy proxy() {
    return proxy;
  }

  SSLSocketFactory sslSocketFactory() {
    return sslSocketFactory;
  }

  HostnameVerifier hostnameVerifier() {
    return hostnameVerifier;
  }

  Authenticator authenticator() {
    return authenticator;
  }

  void sslSocketFactory(SSLSocketFactory factory) {
    this.sslSocketFactory = factory;
  }

  void hostnameVerifier(HostnameVerifier verifier) {
    this.hostnameVerifier = verifier;
  }

  /** The JDK connection that holds the response, once there is one from the network. */
  HttpURLConnection network() {
    return result instanceof UrlConnectionCall.Result.Real real ? real.connection() : null;
  }

  // ---- the request -------------------------------------------------------------------------

  @Override
  public void connect() {
    connected = true;
  }

  @Override
  public void setAuthenticator(Authenticator authenticator) {
    if (connected) {
      throw new IllegalStateException("Already connected");
    }
    this.authenticator = authenticator;
  }

  @Override
  public synchronized void setRequestProperty(String key, String value) {
    checkNotConnected(key);
    List<String> values = new ArrayList<>(1);
    values.add(value == null ? "" : value);
    properties.put(key, values);
  }

  @Override
  public synchronized void addRequestProperty(String key, String value) {
    checkNotConnected(key);
    properties.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value == null ? "" : value);
  }

  private void checkNotConnected(String key) {
    if (connected) {
      throw new IllegalStateException("Already connected");
    }
    if (key == null) {
      throw new NullPointerException("key is null");
    }
  }

  /** As the JDK's: {@code Authorization} is never read back. */
  @Override
  public synchronized String getRequestProperty(String key) {
    if (key == null || isHidden(key)) {
      return null;
    }
    List<String> values = properties.get(key);
    return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
  }

  @Override
  public synchronized Map<String, List<String>> getRequestProperties() {
    if (connected) {
      throw new IllegalStateException("Already connected");
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    properties.forEach(
        (k, v) -> {
          if (!isHidden(k)) {
            copy.put(k, List.copyOf(v));
          }
        });
    return Collections.unmodifiableMap(copy);
  }

  private static boolean isHidden(String key) {
    return !RequestCredentials.readable(key);
  }

  @Override
  public synchronized OutputStream getOutputStream() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (result != null) {
      throw new ProtocolException("Cannot write output after reading input.");
    }
    if (!doOutput) {
      throw new ProtocolException(
          "cannot write to a URLConnection if doOutput=false - call setDoOutput(true)");
    }
    if (method.equals("GET")) {
      method = "POST";
    }
    connected = true;
    if (output == null) {
      output =
          new BufferedBody(
              fixedContentLengthLong >= 0 ? fixedContentLengthLong : fixedContentLength);
    }
    return output;
  }

  // ---- the exchange ------------------------------------------------------------------------

  /** Hands the request to Warden, once; remembers a failure and throws it again as the JDK does. */
  private synchronized UrlConnectionCall.Result exchange() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (result != null) {
      return result;
    }
    connected = true;
    try {
      Body body = output == null ? Body.NONE : Body.of(output.finish());
      Headers headers = Headers.of(properties);
      WardenRequest request = new WardenRequest(method, uri(url), headers, body);
      result = gateway.handle(new UrlConnectionCall(this, request, first)).get();
      return result;
    } catch (ExecutionException e) {
      Throwable cause = Gateway.cause(e.getCause());
      failure = cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = new InterruptedIOException("interrupted while waiting for the response");
    } catch (IOException e) {
      failure = e;
    }
    throw failure;
  }

  private static URI uri(URL url) throws IOException {
    try {
      return url.toURI();
    } catch (URISyntaxException e) {
      try {
        return new URI(
            url.getProtocol(),
            url.getUserInfo(),
            url.getHost(),
            url.getPort(),
            url.getPath(),
            url.getQuery(),
            url.getRef());
      } catch (URISyntaxException again) {
        throw new IOException(
            "invalid URL: " + url.getProtocol() + "://" + url.getHost() + url.getPath(), again);
      }
    }
  }

  /** For header getters, which never throw: {@code null} when the exchange failed. */
  private UrlConnectionCall.Result exchangeQuietly() {
    try {
      return exchange();
    } catch (IOException e) {
      return null;
    }
  }

  // ---- the response ------------------------------------------------------------------------

  @Override
  public int getResponseCode() throws IOException {
    UrlConnectionCall.Result r = exchange();
    return r instanceof UrlConnectionCall.Result.Synthetic s
        ? s.answer().status()
        : network().getResponseCode();
  }

  @Override
  public String getResponseMessage() throws IOException {
    UrlConnectionCall.Result r = exchange();
    return r instanceof UrlConnectionCall.Result.Synthetic s
        ? s.answer().reason()
        : network().getResponseMessage();
  }

  @Override
  public InputStream getInputStream() throws IOException {
    if (!doInput) {
      throw new ProtocolException(
          "Cannot read from URLConnection if doInput=false (call setDoInput(true))");
    }
    UrlConnectionCall.Result r = exchange();
    if (!(r instanceof UrlConnectionCall.Result.Synthetic s)) {
      return network().getInputStream();
    }
    int status = s.answer().status();
    if (status == 404 || status == 410) {
      throw new FileNotFoundException(url.toString());
    }
    if (status >= 400) {
      throw new IOException("Server returned HTTP response code: " + status + " for URL: " + url);
    }
    return new ByteArrayInputStream(s.answer().body());
  }

  @Override
  public InputStream getErrorStream() {
    UrlConnectionCall.Result r = result;
    if (r instanceof UrlConnectionCall.Result.Synthetic s) {
      return s.answer().status() >= 400 ? new ByteArrayInputStream(s.answer().body()) : null;
    }
    return r == null ? null : network().getErrorStream();
  }

  @Override
  public String getHeaderField(String name) {
    UrlConnectionCall.Result r = exchangeQuietly();
    if (r instanceof UrlConnectionCall.Result.Synthetic s) {
      List<String> values = s.answer().headers().all(name);
      return values.isEmpty() ? null : values.get(values.size() - 1);
    }
    return r == null ? null : network().getHeaderField(name);
  }

  @Override
  public Map<String, List<String>> getHeaderFields() {
    UrlConnectionCall.Result r = exchangeQuietly();
    if (r instanceof UrlConnectionCall.Result.Synthetic s) {
      Map<String, List<String>> fields = new LinkedHashMap<>();
      fields.put(null, List.of(statusLine(s.answer())));
      fields.putAll(s.answer().headers().map());
      return Collections.unmodifiableMap(fields);
    }
    return r == null ? Map.of() : network().getHeaderFields();
  }

  @Override
  public String getHeaderFieldKey(int n) {
    UrlConnectionCall.Result r = exchangeQuietly();
    if (r instanceof UrlConnectionCall.Result.Synthetic s) {
      List<String[]> fields = fieldList(s.answer());
      return n > 0 && n < fields.size() ? fields.get(n)[0] : null;
    }
    return r == null ? null : network().getHeaderFieldKey(n);
  }

  @Override
  public String getHeaderField(int n) {
    UrlConnectionCall.Result r = exchangeQuietly();
    if (r instanceof UrlConnectionCall.Result.Synthetic s) {
      List<String[]> fields = fieldList(s.answer());
      return n >= 0 && n < fields.size() ? fields.get(n)[1] : null;
    }
    return r == null ? null : network().getHeaderField(n);
  }

  private static String statusLine(Answer answer) {
    return "HTTP/1.1 " + answer.status() + " " + answer.reason();
  }

  /** The fields in order, the status line first, as {@code getHeaderField(int)} numbers them. */
  private static List<String[]> fieldList(Answer answer) {
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {null, statusLine(answer)});
    answer
        .headers()
        .map()
        .forEach((name, values) -> values.forEach(v -> fields.add(new String[] {name, v})));
    return fields;
  }

  @Override
  public void disconnect() {
    HttpURLConnection network = network();
    if (network != null) {
      network.disconnect();
    } else if (result == null) {
      first.disconnect();
    }
  }

  @Override
  public boolean usingProxy() {
    HttpURLConnection network = network();
    if (network != null) {
      return network.usingProxy();
    }
    return proxy != null && proxy.type() != Proxy.Type.DIRECT;
  }

  @Override
  public Permission getPermission() throws IOException {
    return first.getPermission();
  }

  /** Without the query, which may hold credentials. */
  @Override
  public String toString() {
    return getClass().getName()
        + ":"
        + url.getProtocol()
        + "://"
        + url.getHost()
        + (url.getPort() >= 0 ? ":" + url.getPort() : "")
        + url.getPath();
  }
}
