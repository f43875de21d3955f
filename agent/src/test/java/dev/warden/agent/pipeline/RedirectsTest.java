package dev.warden.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedirectsTest {

  static final RedirectPolicy NORMAL =
      new RedirectPolicy(Set.of(301, 302, 303, 307, 308), 5, true, false, Set.of(301, 302));

  static Outcome sent(String method, String url, int status, String location) {
    WardenRequest request =
        new WardenRequest(
            method,
            URI.create(url),
            Headers.of(
                "Authorization",
                "Basic app",
                "Content-Type",
                "application/json",
                "Accept",
                "application/json"),
            Body.of("{}".getBytes()));
    Headers headers = location == null ? Headers.EMPTY : Headers.of("Location", location);
    return new Outcome.Sent(new WardenResponse(status, headers, null, () -> {}), request, null);
  }

  @Test
  void postBecomesGetAfter303AndLosesItsBody() {
    WardenRequest next = Redirects.next(sent("POST", "https://a.net/x", 303, "/y"), NORMAL, 0);
    assertThat(next.method()).isEqualTo("GET");
    assertThat(next.uri().toString()).isEqualTo("https://a.net/y");
    assertThat(next.body()).isSameAs(Body.NONE);
    assertThat(next.headers().has("Content-Type")).isFalse();
    assertThat(next.headers().first("Authorization")).isEqualTo("Basic app");
  }

  @Test
  void sevenOhSevenKeepsMethodAndBody() {
    WardenRequest next =
        Redirects.next(sent("PUT", "https://a.net/x", 307, "https://a.net/z"), NORMAL, 0);
    assertThat(next.method()).isEqualTo("PUT");
    assertThat(new String(next.body().bytes())).isEqualTo("{}");
  }

  @Test
  void anotherOriginGetsNoCredentials() {
    WardenRequest next =
        Redirects.next(sent("GET", "https://a.net/x", 302, "https://b.net/y"), NORMAL, 0);
    assertThat(next.headers().has("Authorization")).isFalse();
    assertThat(
            Redirects.next(sent("GET", "https://a.net/x", 302, "https://a.net:8443/y"), NORMAL, 0)
                .headers()
                .has("Authorization"))
        .isFalse();
  }

  @Test
  void followsOnlyWhatTheClientWould() {
    assertThat(Redirects.next(sent("GET", "https://a.net/x", 302, "http://a.net/y"), NORMAL, 0))
        .isNull();
    assertThat(Redirects.next(sent("GET", "https://a.net/x", 302, null), NORMAL, 0)).isNull();
    assertThat(Redirects.next(sent("GET", "https://a.net/x", 304, "/y"), NORMAL, 0)).isNull();
    assertThat(Redirects.next(sent("GET", "https://a.net/x", 302, "/y"), NORMAL, 5)).isNull();
    assertThat(Redirects.next(sent("GET", "https://a.net/x", 302, "/y"), RedirectPolicy.NONE, 0))
        .isNull();
    // What a hook is told as the fields arrive agrees: a response Warden will not follow is the
    // application's, body and all.
    for (String[] c :
        new String[][] {
          {"302", "http://a.net/y", "0"}, {"302", null, "0"}, {"304", "/y", "0"}, {"302", "/y", "5"}
        }) {
      Outcome.Sent out =
          (Outcome.Sent) sent("GET", "https://a.net/x", Integer.parseInt(c[0]), c[1]);
      assertThat(
              Redirects.follows(
                  out.status(),
                  out.response().headers(),
                  out.request(),
                  NORMAL,
                  Integer.parseInt(c[2])))
          .as(String.join(" ", java.util.Arrays.asList(c)))
          .isFalse();
    }
    Outcome.Sent followed = (Outcome.Sent) sent("GET", "https://a.net/x", 302, "/y");
    assertThat(Redirects.follows(302, followed.response().headers(), followed.request(), NORMAL, 0))
        .isTrue();
    RedirectPolicy sameScheme = new RedirectPolicy(Set.of(302), 20, false, false, Set.of(302));
    assertThat(Redirects.next(sent("GET", "http://a.net/x", 302, "https://a.net/y"), sameScheme, 0))
        .isNull();
  }
}
