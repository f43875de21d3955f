package dev.warden.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenRequest;
import java.net.URI;
import org.junit.jupiter.api.Test;

class RequestCredentialsTest {

  @Test
  void removesEveryCredentialTheApplicationSentAndSetsTheSites() {
    WardenRequest app =
        new WardenRequest(
            "GET",
            URI.create(
                "https://me:pw@acme.atlassian.net/rest/api/2/myself?os_authType=basic&OS_PASSWORD=x&expand=groups"),
            Headers.of(
                "authorization",
                "Bearer app",
                "Cookie",
                "tenant.session.token=t; a=1",
                "Cookie",
                "JSESSIONID=j"),
            Body.NONE);

    WardenRequest site = RequestCredentials.forSite(app, "Basic site");

    assertThat(site.headers().all("Authorization")).containsExactly("Basic site");
    assertThat(site.headers().all("Cookie")).containsExactly("a=1");
    assertThat(site.uri().toString())
        .isEqualTo("https://acme.atlassian.net/rest/api/2/myself?os_authType=basic&expand=groups");
  }

  @Test
  void noMethodOverrideReachesASite() {
    WardenRequest app =
        new WardenRequest(
            "POST",
            URI.create(
                "https://acme.atlassian.net/rest/api/2/issue/OPS-1/watchers?%5Fmethod=DELETE&a=1&_METHOD=GET"),
            Headers.of(
                "x-http-method-override",
                "DELETE",
                "X-HTTP-Method",
                "DELETE",
                "X-Method-Override",
                "DELETE",
                "Accept",
                "application/json"),
            Body.NONE);
    assertThat(RequestCredentials.methodOverride(app)).isEqualTo("X-HTTP-Method-Override");

    WardenRequest site = RequestCredentials.forSite(app, "Basic site");

    assertThat(site.method()).isEqualTo("POST");
    assertThat(site.headers().names()).containsExactlyInAnyOrder("Accept", "Authorization");
    assertThat(site.uri().toString())
        .isEqualTo("https://acme.atlassian.net/rest/api/2/issue/OPS-1/watchers?a=1");
    assertThat(RequestCredentials.methodOverride(site)).isNull();
    WardenRequest query =
        new WardenRequest(
            "POST", URI.create("https://a.example/x?_method=PUT"), Headers.EMPTY, Body.NONE);
    assertThat(RequestCredentials.methodOverride(query)).isEqualTo("_method");
    WardenRequest lookalike =
        new WardenRequest(
            "POST", URI.create("https://a.example/x?the_method=PUT"), Headers.EMPTY, Body.NONE);
    assertThat(RequestCredentials.methodOverride(lookalike)).isNull();
  }

  @Test
  void leavesARequestWithoutApplicationCredentialsAsItIs() {
    URI uri = URI.create("https://acme.atlassian.net/rest/api/2/search?jql=project%20%3D%20OPS");
    assertThat(RequestCredentials.withoutCredentials(uri)).isSameAs(uri);
  }

  @Test
  void redactsCredentialsInTheAuditedUrl() {
    assertThat(
            RequestCredentials.redacted(
                URI.create(
                    "https://u:p@acme.atlassian.net:8443/rest?os_password=x&jql=a&access_token=t")))
        .isEqualTo(
            "https://REDACTED:REDACTED@acme.atlassian.net:8443/rest?os_password=REDACTED&jql=a&access_token=REDACTED");
  }

  @Test
  void encodedParameterNamesAreTheParametersJiraReads() {
    URI uri =
        URI.create(
            "https://acme.atlassian.net/rest/api/2/myself?os%5Fpassword=x&OS_USER%4eAME=u&os_x=y");
    assertThat(RequestCredentials.withoutCredentials(uri).toString())
        .isEqualTo("https://acme.atlassian.net/rest/api/2/myself?os_x=y");
    assertThat(RequestCredentials.redacted(uri)).doesNotContain("=x").doesNotContain("=u");
  }

  @Test
  void offSiteEditsRemoveEveryCredentialFieldFromAClientsOwnRequest() {
    java.util.Map<String, java.util.List<String>> fields =
        new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    fields.put("authorization", new java.util.ArrayList<>(java.util.List.of("Basic site")));
    fields.put("Cookie", new java.util.ArrayList<>(java.util.List.of("JSESSIONID=j")));
    fields.put("Accept", new java.util.ArrayList<>(java.util.List.of("*/*")));

    RequestCredentials.offSite()
        .applyTo(
            fields::remove,
            (n, v) -> fields.computeIfAbsent(n, k -> new java.util.ArrayList<>()).add(v));

    assertThat(fields).containsOnlyKeys("Accept");
  }

  @Test
  void whatTheApplicationReadsBackIsItsOwnAuthorizationOrNone() {
    Headers sent = Headers.of("Authorization", "Basic site", "Accept", "*/*");

    assertThat(
            RequestCredentials.readBack(Headers.of("Authorization", "Basic app"))
                .applyTo(sent)
                .all("Authorization"))
        .containsExactly("Basic app");
    assertThat(RequestCredentials.readBack(Headers.EMPTY).applyTo(sent).names())
        .containsExactly("Accept");
    assertThat(RequestCredentials.carried(sent::first)).isTrue();
    assertThat(RequestCredentials.carried(Headers.EMPTY::first)).isFalse();
  }

  @Test
  void theCredentialFieldsAClientAddsAsItWritesAreSetBackToWhatWardenDecided() {
    Headers decided =
        RequestCredentials.decided(
            Headers.of("Authorization", "Basic site", "Cookie", "a=1", "Accept", "*/*"));
    assertThat(RequestCredentials.authenticated(decided)).isTrue();
    assertThat(decided.names()).containsExactly("Authorization", "Cookie");

    HeaderEdits edits =
        RequestCredentials.reassert(
            decided, java.util.List.of("a=1", "JSESSIONID=store; theme=dark"));
    Headers written =
        edits.applyTo(
            Headers.of(
                "Authorization",
                "Basic store",
                "Cookie",
                "a=1",
                "Cookie",
                "JSESSIONID=store; theme=dark"));

    assertThat(written.all("Authorization")).containsExactly("Basic site");
    assertThat(written.all("Cookie")).containsExactly("a=1", "theme=dark");
    assertThat(edits.toString()).doesNotContain("Basic site");
  }

  @Test
  void theApplicationNeverReadsBackACredentialField() {
    assertThat(RequestCredentials.readable("AUTHORIZATION")).isFalse();
    assertThat(RequestCredentials.readable("Proxy-Authorization")).isFalse();
    assertThat(RequestCredentials.readable("Accept")).isTrue();
  }

  @Test
  void anonymousHopsCarryNoAuthorizationOrCookie() {
    WardenRequest hop =
        new WardenRequest(
            "GET",
            URI.create("https://media.example.com/f"),
            Headers.of("Authorization", "Basic x", "Cookie", "a=1", "Accept", "*/*"),
            Body.NONE);
    assertThat(RequestCredentials.offSite(hop).headers().names()).containsExactly("Accept");
  }
}
