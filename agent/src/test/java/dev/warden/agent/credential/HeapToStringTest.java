package dev.warden.agent.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.warden.policy.LoadResult;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyLoader;
import dev.warden.policy.secret.SecretResolver;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every object Warden keeps in the heap for a credential (the policy's records, the authorizations
 * with their cached header values and tokens, what they hold) prints no secret from {@code
 * toString}: debuggers, heap-dump viewers and careless log lines call it. The test walks the object
 * graph from a loaded policy's credential store, after each credential has produced its header
 * value, and calls {@code toString} on everything it reaches.
 */
class HeapToStringTest {

  static final String PASSWORD = "pw-value-8f1c";
  static final String BEARER = "bearer-value-77aa";
  static final String CLIENT_SECRET = "client-secret-value-19be";
  static final String ACCESS = "access-value-03de";
  static final String REFRESH = "refresh-value-5c2f";
  static final String ROTATED = "rotated-value-a941";

  @Test
  void noObjectReachableFromTheCredentialsPrintsASecret(@TempDir Path dir) throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/oauth/token",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          int n = requests.incrementAndGet();
          byte[] body =
              ("{\"access_token\":\""
                      + ACCESS
                      + n
                      + "\",\"expires_in\":3600,\"refresh_token\":\""
                      + ROTATED
                      + n
                      + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      Path refreshFile = dir.resolve("refresh");
      Files.writeString(refreshFile, REFRESH + "\n");
      String tokenUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth/token";
      LoadResult load =
          PolicyLoader.bundled()
              .parse(
                  """
          version: 1
          sites:
            - {id: a, url: 'https://a.atlassian.net', credential: basic}
            - {id: b, url: 'https://b.atlassian.net', credential: bearer}
            - {id: c, url: 'https://c.atlassian.net', credential: app}
            - {id: d, url: 'https://d.atlassian.net', credential: svc}
          credentials:
            basic: {type: basic, username: bot@acme.example, password: '${env:PASSWORD}'}
            bearer: {type: bearer, token: '${env:BEARER}'}
            app: {type: oauth2-refresh, token-url: '%s', client-id: app, client-secret: '${env:CLIENT_SECRET}',
                  refresh-token: '${file:%s}'}
            svc: {type: oauth2-client-credentials, token-url: '%s', client-id: svc, client-secret: '${env:CLIENT_SECRET}'}
          rules:
            - {id: r, effect: allow}
          """
                      .formatted(tokenUrl, refreshFile, tokenUrl),
                  "policy.yaml");
      assertThat(load.errors()).isEmpty();
      Policy policy = load.policy().orElseThrow();
      SecretResolver resolver =
          new SecretResolver(
              Map.of("PASSWORD", PASSWORD, "BEARER", BEARER, "CLIENT_SECRET", CLIENT_SECRET)::get);
      CredentialStore store =
          CredentialStore.of(
              policy,
              new CredentialTypes(
                  new CredentialContext(
                      resolver, dev.warden.agent.credential.oauth.TokenClock.SYSTEM)));
      List<String> values = new ArrayList<>();
      for (String name : List.of("basic", "bearer", "app", "svc")) {
        values.add(store.get(name).headerValue());
      }
      assertThat(values).anyMatch(v -> v.startsWith("Basic ")).anyMatch(v -> v.contains(ACCESS));
      assertThat(Files.readString(refreshFile)).contains(ROTATED);

      List<String> secrets =
          new ArrayList<>(List.of(PASSWORD, BEARER, CLIENT_SECRET, ACCESS, REFRESH, ROTATED));
      values.forEach(v -> secrets.add(v.substring(v.indexOf(' ') + 1)));
      Map<Object, Boolean> seen = new IdentityHashMap<>();
      walk(store, secrets, seen, 0);
      walk(policy, secrets, seen, 0);
      assertThat(seen.size()).as("objects visited").isGreaterThan(20);
    } finally {
      server.stop(0);
    }
  }

  /** Calls toString on the object and, for Warden's own types, on everything its fields hold. */
  private static void walk(
      Object object, List<String> secrets, Map<Object, Boolean> seen, int depth) throws Exception {
    if (object == null
        || object instanceof String
        || object instanceof Number
        || object instanceof Boolean
        || object instanceof Class
        || seen.put(object, Boolean.TRUE) != null
        || depth > 12) {
      return;
    }
    String text = String.valueOf(object);
    for (String secret : secrets) {
      assertThat(text).as("toString of %s", object.getClass().getName()).doesNotContain(secret);
    }
    if (object instanceof Collection<?> collection) {
      for (Object element : collection) {
        walk(element, secrets, seen, depth + 1);
      }
      return;
    }
    if (object instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        walk(entry.getKey(), secrets, seen, depth + 1);
        walk(entry.getValue(), secrets, seen, depth + 1);
      }
      return;
    }
    if (object.getClass().isArray() && !object.getClass().getComponentType().isPrimitive()) {
      for (int i = 0; i < Array.getLength(object); i++) {
        walk(Array.get(object, i), secrets, seen, depth + 1);
      }
      return;
    }
    if (object instanceof java.util.Optional<?> optional) {
      walk(optional.orElse(null), secrets, seen, depth + 1);
      return;
    }
    if (!object.getClass().getName().startsWith("dev.warden.")
        || object.getClass().isSynthetic()
        || object.getClass().getName().contains("$$Lambda")) {
      // Not Warden's (or the test's own environment, captured by the resolver's lookup function).
      return;
    }
    for (Class<?> type = object.getClass();
        type != null && type.getName().startsWith("dev.warden.");
        type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        field.setAccessible(true);
        walk(field.get(object), secrets, seen, depth + 1);
      }
    }
  }
}
