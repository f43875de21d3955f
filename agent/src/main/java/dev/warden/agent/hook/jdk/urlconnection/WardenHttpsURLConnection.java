package dev.warden.agent.hook.jdk.urlconnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.security.Permission;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Warden's connection for an {@code https} URL: an {@link HttpsURLConnection}, as the application
 * expects, that forwards to a {@link WardenHttpURLConnection} (as the JDK's own https connection
 * forwards to its http one). TLS details come from the network connection once there is one.
 */
final class WardenHttpsURLConnection extends HttpsURLConnection {

  private final WardenHttpURLConnection inner;

  WardenHttpsURLConnection(WardenHttpURLConnection inner) {
    super(inner.getURL());
    this.inner = inner;
  }

  private HttpsURLConnection tls() {
    HttpURLConnection network = inner.network();
    if (network instanceof HttpsURLConnection https) {
      return https;
    }
    throw new IllegalStateException("connection not yet open");
  }

  @Override
  public String getCipherSuite() {
    return tls().getCipherSuite();
  }

  @Override
  public Certificate[] getLocalCertificates() {
    return tls().getLocalCertificates();
  }

  @Override
  public Certificate[] getServerCertificates() throws SSLPeerUnverifiedException {
    return tls().getServerCertificates();
  }

  @Override
  public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
    return tls().getPeerPrincipal();
  }

  @Override
  public Principal getLocalPrincipal() {
    return tls().getLocalPrincipal();
  }

  @Override
  public void setHostnameVerifier(HostnameVerifier verifier) {
    super.setHostnameVerifier(verifier);
    inner.hostnameVerifier(verifier);
  }

  @Override
  public void setSSLSocketFactory(SSLSocketFactory factory) {
    super.setSSLSocketFactory(factory);
    inner.sslSocketFactory(factory);
  }

  // Everything else is the inner connection's.

  @Override
  public void connect() {
    inner.connect();
    connected = true;
  }

  @Override
  public void disconnect() {
    inner.disconnect();
  }

  @Override
  public boolean usingProxy() {
    return inner.usingProxy();
  }

  @Override
  public void setRequestMethod(String method) throws ProtocolException {
    inner.setRequestMethod(method);
  }

  @Override
  public String getRequestMethod() {
    return inner.getRequestMethod();
  }

  @Override
  public void setRequestProperty(String key, String value) {
    inner.setRequestProperty(key, value);
  }

  @Override
  public void addRequestProperty(String key, String value) {
    inner.addRequestProperty(key, value);
  }

  @Override
  public String getRequestProperty(String key) {
    return inner.getRequestProperty(key);
  }

  @Override
  public Map<String, List<String>> getRequestProperties() {
    return inner.getRequestProperties();
  }

  @Override
  public void setAuthenticator(Authenticator authenticator) {
    inner.setAuthenticator(authenticator);
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return inner.getOutputStream();
  }

  @Override
  public InputStream getInputStream() throws IOException {
    return inner.getInputStream();
  }

  @Override
  public InputStream getErrorStream() {
    return inner.getErrorStream();
  }

  @Override
  public int getResponseCode() throws IOException {
    return inner.getResponseCode();
  }

  @Override
  public String getResponseMessage() throws IOException {
    return inner.getResponseMessage();
  }

  @Override
  public String getHeaderField(String name) {
    return inner.getHeaderField(name);
  }

  @Override
  public String getHeaderField(int n) {
    return inner.getHeaderField(n);
  }

  @Override
  public String getHeaderFieldKey(int n) {
    return inner.getHeaderFieldKey(n);
  }

  @Override
  public Map<String, List<String>> getHeaderFields() {
    return inner.getHeaderFields();
  }

  @Override
  public void setDoOutput(boolean doOutput) {
    inner.setDoOutput(doOutput);
  }

  @Override
  public boolean getDoOutput() {
    return inner.getDoOutput();
  }

  @Override
  public void setDoInput(boolean doInput) {
    inner.setDoInput(doInput);
  }

  @Override
  public boolean getDoInput() {
    return inner.getDoInput();
  }

  @Override
  public void setUseCaches(boolean useCaches) {
    inner.setUseCaches(useCaches);
  }

  @Override
  public boolean getUseCaches() {
    return inner.getUseCaches();
  }

  @Override
  public void setIfModifiedSince(long ifModifiedSince) {
    inner.setIfModifiedSince(ifModifiedSince);
  }

  @Override
  public long getIfModifiedSince() {
    return inner.getIfModifiedSince();
  }

  @Override
  public void setAllowUserInteraction(boolean allow) {
    inner.setAllowUserInteraction(allow);
  }

  @Override
  public boolean getAllowUserInteraction() {
    return inner.getAllowUserInteraction();
  }

  @Override
  public void setConnectTimeout(int timeout) {
    inner.setConnectTimeout(timeout);
  }

  @Override
  public int getConnectTimeout() {
    return inner.getConnectTimeout();
  }

  @Override
  public void setReadTimeout(int timeout) {
    inner.setReadTimeout(timeout);
  }

  @Override
  public int getReadTimeout() {
    return inner.getReadTimeout();
  }

  @Override
  public void setInstanceFollowRedirects(boolean follow) {
    inner.setInstanceFollowRedirects(follow);
  }

  @Override
  public boolean getInstanceFollowRedirects() {
    return inner.getInstanceFollowRedirects();
  }

  @Override
  public void setFixedLengthStreamingMode(int contentLength) {
    inner.setFixedLengthStreamingMode(contentLength);
  }

  @Override
  public void setFixedLengthStreamingMode(long contentLength) {
    inner.setFixedLengthStreamingMode(contentLength);
  }

  @Override
  public void setChunkedStreamingMode(int chunkLength) {
    inner.setChunkedStreamingMode(chunkLength);
  }

  @Override
  public Permission getPermission() throws IOException {
    return inner.getPermission();
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
