package dev.warden.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenRequest;
import java.net.URI;
import org.junit.jupiter.api.Test;

class SiteRequestsTest {

  @Test
  void removesEveryCredentialTheApplicationSentAndSetsTheSites() {
    WardenRequest app = new WardenRequest("GET", URI.create("https://me:pw@acme.atlassian.net/rest/api/2/myself?os_authType=basic&OS_PASSWORD=x&expand=groups"),
        Headers.of("authorization", "Bearer app", "Cookie", "tenant.session.token=t; a=1", "Cookie", "JSESSIONID=j"), Body.NONE);

    WardenRequest site = SiteRequests.authenticated(app, "Basic site");

    assertThat(site.headers().all("Authorization")).containsExactly("Basic site");
    assertThat(site.headers().all("Cookie")).containsExactly("a=1");
    assertThat(site.uri().toString()).isEqualTo("https://acme.atlassian.net/rest/api/2/myself?os_authType=basic&expand=groups");
  }

  @Test
  void leavesARequestWithoutApplicationCredentialsAsItIs() {
    URI uri = URI.create("https://acme.atlassian.net/rest/api/2/search?jql=project%20%3D%20OPS");
    assertThat(SiteRequests.withoutCredentials(uri)).isSameAs(uri);
  }

  @Test
  void redactsCredentialsInTheAuditedUrl() {
    assertThat(SiteRequests.redacted(URI.create("https://u:p@acme.atlassian.net:8443/rest?os_password=x&jql=a&access_token=t")))
        .isEqualTo("https://REDACTED:REDACTED@acme.atlassian.net:8443/rest?os_password=REDACTED&jql=a&access_token=REDACTED");
  }

  @Test
  void encodedParameterNamesAreTheParametersJiraReads() {
    URI uri = URI.create("https://acme.atlassian.net/rest/api/2/myself?os%5Fpassword=x&OS_USER%4eAME=u&os_x=y");
    assertThat(SiteRequests.withoutCredentials(uri).toString()).isEqualTo("https://acme.atlassian.net/rest/api/2/myself?os_x=y");
    assertThat(SiteRequests.redacted(uri)).doesNotContain("=x").doesNotContain("=u");
  }

  @Test
  void anonymousHopsCarryNoAuthorizationOrCookie() {
    WardenRequest hop = new WardenRequest("GET", URI.create("https://media.example.com/f"),
        Headers.of("Authorization", "Basic x", "Cookie", "a=1", "Accept", "*/*"), Body.NONE);
    assertThat(SiteRequests.anonymous(hop).headers().names()).containsExactly("Accept");
  }
}
