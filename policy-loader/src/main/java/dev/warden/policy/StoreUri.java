package dev.warden.policy;

import dev.warden.policy.secret.Template;
import java.util.Optional;

/**
 * A shared store: {@code redis://[user][:password@]host:port[/db]}, or {@code rediss://} for TLS.
 * The password is a secret reference; the rest is plain.
 *
 * @param tls whether the scheme is {@code rediss}
 * @param username the ACL user, if any
 * @param password the password reference, if any
 * @param host the host
 * @param port the port
 * @param database the database number
 */
public record StoreUri(
    boolean tls,
    Optional<String> username,
    Optional<Template> password,
    String host,
    int port,
    int database) {

  // Equality written out: a record's is bootstrapped through invokedynamic on first use, which
  // took some 18 ms of the agent's start-up (stores are looked up by their URI).
  @Override
  public boolean equals(Object other) {
    return other instanceof StoreUri uri
        && tls == uri.tls
        && port == uri.port
        && database == uri.database
        && host.equals(uri.host)
        && username.equals(uri.username)
        && password.equals(uri.password);
  }

  @Override
  public int hashCode() {
    int hash = Boolean.hashCode(tls);
    hash = 31 * hash + username.hashCode();
    hash = 31 * hash + password.hashCode();
    hash = 31 * hash + host.hashCode();
    hash = 31 * hash + port;
    return 31 * hash + database;
  }

  /**
   * Parses a store URI.
   *
   * @throws IllegalArgumentException saying what is wrong and what to write instead
   */
  public static StoreUri parse(String text) {
    String example =
        "write redis://host:6379[/db], or redis://:${env:REDIS_PASSWORD}@host:6379 with a password";
    boolean tls;
    String rest;
    if (text.startsWith("redis://")) {
      tls = false;
      rest = text.substring("redis://".length());
    } else if (text.startsWith("rediss://")) {
      tls = true;
      rest = text.substring("rediss://".length());
    } else {
      throw new IllegalArgumentException(
          "store '" + Redaction.url(text) + "' must start with redis:// or rediss://; " + example);
    }
    Optional<String> username = Optional.empty();
    Optional<Template> password = Optional.empty();
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      if (!user.isEmpty()) {
        username = Optional.of(user);
      }
      if (colon >= 0) {
        Template secret = Template.parse(userInfo.substring(colon + 1));
        if (!secret.isSingleReference()) {
          throw new IllegalArgumentException(
              "the password in store URI must be a secret reference, not a literal; " + example);
        }
        password = Optional.of(secret);
      }
    }
    if (rest.contains("${")) {
      throw new IllegalArgumentException(
          "only the password of a store URI may be a secret reference; " + example);
    }
    int database = 0;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String db = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
      if (!db.isEmpty()) {
        if (!db.matches("[0-9]{1,2}")) {
          throw new IllegalArgumentException(
              "the database of store URI must be a number such as 0 or 2");
        }
        database = Integer.parseInt(db);
      }
    }
    int colon = rest.lastIndexOf(':');
    String host = colon < 0 ? rest : rest.substring(0, colon);
    int port = 6379;
    if (colon >= 0) {
      String portText = rest.substring(colon + 1);
      if (!portText.matches("[0-9]{1,5}")
          || Integer.parseInt(portText) == 0
          || Integer.parseInt(portText) > 65535) {
        throw new IllegalArgumentException(
            "the port of store URI is not a port number (a password goes after ':' and before '@', as a secret reference); "
                + example);
      }
      port = Integer.parseInt(portText);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("store URI names no host; " + example);
    }
    return new StoreUri(tls, username, password, host, port, database);
  }

  /** The URI with the password reference, never a password: safe to log. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(tls ? "rediss://" : "redis://");
    if (username.isPresent() || password.isPresent()) {
      out.append(username.orElse(""));
      password.ifPresent(p -> out.append(':').append(p.text()));
      out.append('@');
    }
    return out.append(host).append(':').append(port).append('/').append(database).toString();
  }
}
