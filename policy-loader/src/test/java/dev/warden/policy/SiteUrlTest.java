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
}
