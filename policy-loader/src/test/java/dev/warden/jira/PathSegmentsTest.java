package dev.warden.jira;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathSegmentsTest {

  @Test
  void reducesDotsEmptySegmentsAndParameters() {
    assertThat(PathSegments.parse("/a/./b//c/../d;x=1/").segments()).containsExactly("a", "b", "d");
  }

  @Test
  void decodesPercentEscapesAndSplitsOnDecodedSeparators() {
    assertThat(PathSegments.parse("/a%2Fb%5Cc/%7Bx%7D").segments())
        .containsExactly("a", "b", "c", "{x}");
    assertThat(PathSegments.parse("/a/%2e%2e/b").segments()).containsExactly("b");
    assertThat(PathSegments.parse("/caf%C3%A9").segments()).containsExactly("café");
  }

  @Test
  void keepsMalformedEscapesAsWritten() {
    assertThat(PathSegments.parse("/a%zz/b%").segments()).containsExactly("a%zz", "b%");
  }

  @Test
  void encodedSemicolonStartsAParameterToo() {
    assertThat(PathSegments.parse("/issue%3Bx=1/OPS-1").segments())
        .containsExactly("issue", "OPS-1");
  }
}
