package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SiteUrlTest {

  @Test
  void aSiteUrlInItsNormalForm() {
    SiteUrl url = SiteUrl.parse(" HTTPS://Jira.Corp.Example/jira/ ");
    assertThat(url).isEqualTo(new SiteUrl("https", "jira.corp.example", 443, List.of("jira")));
    assertThat(SiteUrl.parse(url.toString())).isEqualTo(url);
  }

  @Test
  void aPortPastTheLastIsAnError() {
    // Found by fuzzing (PolicyFuzzTestInputs/siteUrl): java.net.URI takes any digits.
    assertThatThrownBy(() -> SiteUrl.parse("http://127.0.0.1:80080/jira"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port 80080; a port is 1 to 65535");
    assertThat(SiteUrl.parse("http://127.0.0.1:65535").port()).isEqualTo(65535);
  }

  @Test
  void theNormalFormEncodesWhatTheContextPathDecodedSoItParsesBack() {
    // Found by fuzzing (PolicyFuzzTestInputs/siteUrl): %20 was printed as a space.
    SiteUrl url = SiteUrl.parse("https://jira.example/my%20jira/a%2Fb");
    assertThat(url.contextPath()).containsExactly("my jira", "a", "b");
    assertThat(url.toString()).isEqualTo("https://jira.example/my%20jira/a/b");
    assertThat(SiteUrl.parse(url.toString())).isEqualTo(url);
  }

  @Test
  void everySpellingOfTheSiteHostIsTheSite() {
    SiteUrl named = SiteUrl.parse("https://jira.acme.example");
    assertThat(named.sameOrigin("https", "JIRA.Acme.Example", 443)).isTrue();
    // An absolute name may be another host than one found through a search domain.
    assertThat(named.sameOrigin("HTTPS", "jira.acme.example.", 443)).as("trailing dot").isFalse();
    assertThat(named.sameOrigin("https", "jira.acme.example..", 443)).isFalse();
    assertThat(named.sameOrigin("https", "jira.acme.example", 8443)).isFalse();
    assertThat(named.sameOrigin("http", "jira.acme.example", 443)).isFalse();
    assertThat(named.sameOrigin("https", "xjira.acme.example", 443)).isFalse();
    assertThat(named.sameOrigin("https", null, 443)).isFalse();

    SiteUrl loopback = SiteUrl.parse("http://127.0.0.1:8080");
    assertThat(loopback.sameOrigin("http", "127.1", 8080)).as("the JDK's short form").isTrue();
    assertThat(loopback.sameOrigin("http", "2130706433", 8080)).isTrue();
    assertThat(loopback.sameOrigin("http", "127.0.0.1.", 8080)).as("a name to the JDK").isFalse();
    assertThat(loopback.sameOrigin("http", "[::ffff:127.0.0.1]", 8080)).as("v4-mapped").isTrue();
    assertThat(loopback.sameOrigin("http", "127.0.0.01", 8080)).as("octal to some").isFalse();
    assertThat(loopback.sameOrigin("http", "0x7f.1", 8080)).isFalse();
    assertThat(loopback.sameOrigin("http", "127.0.0.1.1", 8080)).isFalse();
    assertThat(loopback.sameOrigin("http", "127.0.1", 8080)).isTrue();
    assertThat(loopback.sameOrigin("http", "127.0.256", 8080)).as("127.0.1.0").isFalse();
    assertThat(loopback.sameOrigin("http", "127.65536", 8080)).isFalse();
    assertThat(loopback.sameOrigin("http", "4294967296", 8080)).isFalse();

    SiteUrl v6 = SiteUrl.parse("http://[::1]:8080");
    assertThat(v6.host()).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(v6.toString()).isEqualTo("http://[0:0:0:0:0:0:0:1]:8080");
    assertThat(SiteUrl.parse(v6.toString())).isEqualTo(v6);
    assertThat(v6.sameOrigin("http", "[0:0:0:0:0:0:0:1]", 8080)).isTrue();
    assertThat(v6.sameOrigin("http", "[0000::0001]", 8080)).isTrue();
    assertThat(v6.sameOrigin("http", "0:0::1", 8080)).isTrue();
    assertThat(v6.sameOrigin("http", "[::2]", 8080)).isFalse();
    assertThat(v6.sameOrigin("http", "[::1x]", 8080)).isFalse();
  }

  @Test
  void anInternationalisedNameIsComparedInItsAsciiForm() {
    SiteUrl idn = SiteUrl.parse("https://jira.bücher.example:8443/jira");
    assertThat(idn.host()).isEqualTo("jira.xn--bcher-kva.example");
    assertThat(idn.port()).isEqualTo(8443);
    assertThat(idn.contextPath()).containsExactly("jira");
    assertThat(idn.sameOrigin("https", "jira.xn--bcher-kva.example", 8443)).isTrue();
    assertThat(idn.sameOrigin("https", "JIRA.XN--BCHER-KVA.EXAMPLE", 8443)).isTrue();
    assertThat(idn.sameOrigin("https", "jira.bücher.example", 8443)).isTrue();
    assertThat(idn.sameOrigin("https", "jira.BÜCHER.example", 8443)).isTrue();
    assertThat(idn.sameOrigin("https", "jira.bucher.example", 8443)).isFalse();
    assertThat(SiteUrl.parse(idn.toString())).isEqualTo(idn);
    // IDNA 2003 maps straße onto strasse, another domain under IDNA 2008: never the same site.
    assertThatThrownBy(() -> SiteUrl.parse("https://jira.straße.example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no host");
    // Found by fuzzing (PolicyFuzzTestInputs/siteUrl): an ASCII form holding '$' was read as a
    // regular expression's group reference.
    assertThatThrownBy(() -> SiteUrl.parse("https://acmeRR1RRRRRR☃☃☃☃77777htth$777777777"))
        .isInstanceOf(IllegalArgumentException.class);
    SiteUrl strasse = SiteUrl.parse("https://jira.strasse.example");
    assertThat(strasse.sameOrigin("https", "jira.straße.example", 443)).isFalse();
    assertThatThrownBy(() -> SiteUrl.parse("https://jira.bücher.example/jira?x#y"))
        .as("a query is still refused")
        .hasMessageContaining("must not have a query");
  }

  @Test
  void canonicalHostNeverLooksANameUp() {
    // A name that no resolver knows comes back as written, at once.
    assertThat(SiteUrl.canonicalHost("Warden-Test-No-Such-Host.invalid."))
        .isEqualTo("warden-test-no-such-host.invalid.");
    assertThat(SiteUrl.canonicalHost("1.2.3.4.5")).isEqualTo("1.2.3.4.5");
    assertThat(SiteUrl.canonicalHost("[not:an:address]")).isEqualTo("not:an:address");
    assertThat(SiteUrl.canonicalHost(".")).isEqualTo(".");
  }

  @Test
  void theHostAndPortOfAnAuthorityJavaNetUriDoesNotTakeAsAServers() {
    java.net.URI shortIp = java.net.URI.create("http://127.1:8080/rest/api/2/myself");
    assertThat(shortIp.getHost()).as("java.net.URI's reading").isNull();
    assertThat(SiteUrl.hostOf(shortIp)).isEqualTo("127.1");
    assertThat(SiteUrl.portOf(shortIp)).isEqualTo(8080);
    assertThat(SiteUrl.effectivePort(shortIp)).isEqualTo(8080);
    java.net.URI underscore = java.net.URI.create("https://u:p@jira_1.corp/rest");
    assertThat(SiteUrl.hostOf(underscore)).isEqualTo("jira_1.corp");
    // java.net.URL reads this one's host otherwise: no host at all.
    assertThat(SiteUrl.hostOf(java.net.URI.create("http://x@evil:8080@127.1:8080/rest"))).isNull();
    assertThat(SiteUrl.hostOf(java.net.URI.create("http://a%41b:8080/rest"))).isNull();
    assertThat(SiteUrl.hostOf(java.net.URI.create("http://jira.bücher.example:8080/rest")))
        .isEqualTo("jira.bücher.example");
    assertThat(SiteUrl.effectivePort(underscore)).isEqualTo(443);
    java.net.URI plain = java.net.URI.create("https://[::1]:8443/x");
    assertThat(SiteUrl.hostOf(plain)).isEqualTo("[::1]");
    assertThat(SiteUrl.portOf(plain)).isEqualTo(8443);
    assertThat(SiteUrl.hostOf(java.net.URI.create("/relative"))).isNull();
    assertThat(SiteUrl.portOf(java.net.URI.create("http://a_b:99999/"))).isEqualTo(99999);
    assertThat(SiteUrl.portOf(java.net.URI.create("http://a_b:1234567890123/")))
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(SiteUrl.portOf(java.net.URI.create("http://a_b:/"))).isEqualTo(-1);
  }
}
