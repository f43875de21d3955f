package dev.warden.jira;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The edges of what Warden reads of a request, one character or byte each side of every bound:
 * written against the mutants PIT left alive (mvn -Ppit), so that a bound moved by one fails here.
 */
class ClassificationEdgesTest {

  @Test
  void anIssueKeyIsALetterThenLettersDigitsOrUnderscoresADashAndDigits() {
    assertThat(List.of("A-1", "Z-9", "a-0", "z-10", "Az09_-12", "AZ_9-0"))
        .allMatch(Classifier::isIssueKey);
    // The characters just past each range: '@' '[' '`' '{' before and after the letters, '/' ':'
    // around the digits.
    assertThat(
            List.of(
                "@-1", "[-1", "`-1", "{-1", "A@-1", "A[-1", "A`-1", "A{-1", "A/-1", "A:-1", "A-/",
                "A-:", "A-1/", "A-1:", "-1", "A-", "1A-1", "A-1a", "A", ""))
        .noneMatch(v -> !v.isEmpty() && Classifier.isIssueKey(v));
  }

  @Test
  void aNumberIsOneOrMoreAsciiDigitsFromItsStart() {
    assertThat(Classifier.isNumber("10000", 0)).isTrue();
    assertThat(Classifier.isNumber("OPS-0", 4)).isTrue();
    assertThat(Classifier.isNumber("OPS-", 4)).isFalse();
    assertThat(Classifier.isNumber("12", 2)).isFalse();
    assertThat(Classifier.isNumber("1/", 0)).isFalse();
    assertThat(Classifier.isNumber("1:", 0)).isFalse();
    assertThat(Classifier.isNumber("/1", 0)).isFalse();
    assertThat(Classifier.isNumber(":1", 0)).isFalse();
  }

  @Test
  void aTemplateParameterIsBracedAndNamed() {
    assertThat(Route.isParameter("{issueIdOrKey}")).isTrue();
    assertThat(Route.isParameter("{a}")).isTrue();
    assertThat(Route.isParameter("{}")).isFalse();
    assertThat(Route.isParameter("{a")).isFalse();
    assertThat(Route.isParameter("a}")).isFalse();
    assertThat(Route.isParameter("x{a}")).isFalse();
    assertThat(Route.isParameter("issue")).isFalse();
  }

  @Test
  void aPercentEscapeIsDecodedOnlyWhenWholeAndHex() {
    assertThat(PathSegments.parse("/a%41").segments()).containsExactly("aA");
    assertThat(PathSegments.parse("/%41").segments()).containsExactly("A");
    assertThat(PathSegments.parse("/a%4").segments()).containsExactly("a%4");
    assertThat(PathSegments.parse("/a%").segments()).containsExactly("a%");
    assertThat(PathSegments.parse("/%4G%g1").segments()).containsExactly("%4G%g1");
    assertThat(PathSegments.parse("/%e2%82%ac").segments()).containsExactly("€");
    assertThat(PathSegments.parse("/€%41").segments()).containsExactly("€A");
  }

  @Test
  void segmentsDotsParametersAndSeparators() {
    assertThat(PathSegments.parse("").segments()).isEmpty();
    assertThat(PathSegments.parse(null).segments()).isEmpty();
    assertThat(PathSegments.parse("/").segments()).isEmpty();
    assertThat(PathSegments.parse("a").segments()).containsExactly("a");
    assertThat(PathSegments.parse("a/b").segments()).containsExactly("a", "b");
    assertThat(PathSegments.parse("/a/").segments()).containsExactly("a");
    assertThat(PathSegments.parse("/a;x=1/b").segments()).containsExactly("a", "b");
    assertThat(PathSegments.parse("/;x/b").segments()).containsExactly("b");
    assertThat(PathSegments.parse("/a%3Bx/b").segments()).containsExactly("a", "b");
    assertThat(PathSegments.parse("/%3Bx/b").segments()).containsExactly("b");
    assertThat(PathSegments.parse("/a%2Fb%5Cc").segments()).containsExactly("a", "b", "c");
    assertThat(PathSegments.parse("/a%2F/b").segments()).containsExactly("a", "b");
    assertThat(PathSegments.parse("/../a/./b/..").segments()).containsExactly("a");
    assertThat(PathSegments.parse("/a/%2e%2E/b").segments()).containsExactly("b");
    PathSegments path = PathSegments.parse("/rest/api/3/issue");
    assertThat(path.size()).isEqualTo(4);
    assertThat(path.get(3)).isEqualTo("issue");
    assertThat(path.toString()).isEqualTo("/rest/api/3/issue");
    assertThat(path.drop(2).segments()).containsExactly("3", "issue");
    assertThat(path.startsWith(List.of("REST", "api"))).isTrue();
    assertThat(path.startsWith(List.of("rest", "api", "3", "issue"))).isTrue();
    assertThat(path.startsWith(List.of("rest", "api", "3", "issue", "x"))).isFalse();
    assertThat(path.startsWith(List.of("rest", "apx"))).isFalse();
    assertThat(path.startsWith(List.of())).isTrue();
  }

  @Test
  void scopeTextIsTheClassicScopesElseTheFirstGranularSetElseUnscoped() {
    Operation classic =
        new Operation(
            "a",
            "platform",
            "a",
            Set.of("write:jira-work", "read:jira-work"),
            List.of(),
            false,
            false);
    Operation granular =
        new Operation(
            "b",
            "platform",
            "b",
            Set.of(),
            List.of(Set.of("write:issue:jira", "read:issue:jira"), Set.of("other:jira")),
            false,
            true);
    Operation none = new Operation("c", "platform", "c", Set.of(), List.of(), true, false);
    assertThat(classic.scopeText()).isEqualTo("read:jira-work write:jira-work");
    assertThat(classic.scopeText()).isSameAs(classic.scopeText());
    assertThat(granular.scopeText()).isEqualTo("read:issue:jira write:issue:jira");
    assertThat(none.scopeText()).isEqualTo(Operation.UNSCOPED);
    assertThat(none.isUnscoped()).isTrue();
    assertThat(classic.isUnscoped()).isFalse();
    assertThat(granular.experimental()).isTrue();
    assertThat(classic.experimental()).isFalse();
    assertThat(none.deprecated()).isTrue();
    assertThat(classic.deprecated()).isFalse();
  }

  @Test
  void operationsAreEqualByNameAndSayWhatTheirBodyNames() {
    Operation create =
        new Operation("createIssue", "platform", "createIssue", Set.of(), List.of(), false, false);
    Operation same =
        new Operation("createIssue", "platform", "createIssue", Set.of(), List.of(), false, false);
    Operation bulk =
        new Operation(
            "createIssues", "platform", "createIssues", Set.of(), List.of(), false, false);
    Operation other =
        new Operation("getIssue", "platform", "getIssue", Set.of(), List.of(), false, false);
    assertThat(create).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(other);
    assertThat(create).isNotEqualTo("createIssue");
    assertThat(create.toString()).contains("createIssue");
    assertThat(create.projectInBody()).isTrue();
    assertThat(bulk.projectInBody()).isTrue();
    assertThat(bulk.bulkCreate()).isTrue();
    assertThat(create.bulkCreate()).isFalse();
    assertThat(other.projectInBody()).isFalse();
  }

  @Test
  void projectRefsKnowWhenTheyAreEmptyAndHowToSayThem() {
    assertThat(ProjectRefs.of("ops").isEmpty()).isFalse();
    assertThat(ProjectRefs.of("ops").values()).containsExactly("OPS");
    assertThat(ProjectRefs.UNKNOWN.isEmpty()).isTrue();
    assertThat(ProjectRefs.of(List.of("OPS", "HR")).text()).contains("OPS").contains("HR");
  }

  @Test
  void createBodiesAtTheirSizeBoundAndWithOddShapes() {
    String head = "{\"fields\":{\"project\":{\"key\":\"OPS\"}},\"pad\":\"";
    String tail = "\"}";
    int pad = CreateBodies.MAX_BODY_BYTES - head.length() - tail.length();
    byte[] atLimit = (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
    assertThat(atLimit).hasSize(CreateBodies.MAX_BODY_BYTES);
    assertThat(CreateBodies.projects(atLimit, false).values()).containsExactly("OPS");
    byte[] past = (head + "x".repeat(pad + 1) + tail).getBytes(StandardCharsets.UTF_8);
    assertThat(CreateBodies.projects(past, false)).isEqualTo(ProjectRefs.UNKNOWN);
    assertThat(CreateBodies.projects(new byte[0], false)).isEqualTo(ProjectRefs.UNKNOWN);
    assertThat(CreateBodies.projects(null, false)).isEqualTo(ProjectRefs.UNKNOWN);
    assertThat(CreateBodies.projects(bytes("[{\"fields\":{}}]"), false))
        .isEqualTo(ProjectRefs.UNKNOWN);
    assertThat(
            CreateBodies.projects(bytes("{\"fields\":{\"project\":{\"id\":\"10000\"}}}"), false)
                .values())
        .containsExactly("10000");
    assertThat(
            CreateBodies.projects(bytes("{\"fields\":{\"project\":{\"key\":\" \"}}}"), false)
                .isEmpty())
        .isTrue();
    assertThat(
            CreateBodies.projects(
                    bytes("{\"fields\":{\"project\":{\"key\":null,\"id\":\"7\"}}}"), false)
                .values())
        .containsExactly("7");
    assertThat(
            CreateBodies.projects(bytes("{\"fields\":{\"project\":{\"key\":{\"a\":1}}}}"), false)
                .isEmpty())
        .isTrue();
    ProjectRefs none = CreateBodies.projects(bytes("{\"issueUpdates\":[]}"), true);
    assertThat(none.complete()).isFalse();
    ProjectRefs one =
        CreateBodies.projects(
            bytes("{\"issueUpdates\":[{\"fields\":{\"project\":{\"key\":\"OPS\"}}}]}"), true);
    assertThat(one.complete()).isTrue();
    assertThat(one.values()).containsExactly("OPS");
    assertThat(CreateBodies.projects(bytes("{\"issueUpdates\":[3]}"), true).complete()).isFalse();
  }

  @Test
  void aServiceDeskIdUpToItsLengthBound() {
    String longest = "9".repeat(CreateBodies.MAX_ID_CHARS);
    assertThat(CreateBodies.serviceDeskId(bytes("{\"serviceDeskId\":\"" + longest + "\"}")))
        .isEqualTo(longest);
    assertThat(CreateBodies.serviceDeskId(bytes("{\"serviceDeskId\":\"" + longest + "9\"}")))
        .isNull();
    assertThat(CreateBodies.serviceDeskId(bytes("{\"serviceDeskId\":12}"))).isEqualTo("12");
    assertThat(CreateBodies.serviceDeskId(bytes("{\"serviceDeskId\":\" \"}"))).isNull();
    assertThat(CreateBodies.serviceDeskId(bytes("{\"a\":1,\"serviceDeskId\":\"SUP\"}")))
        .isEqualTo("SUP");
    assertThat(CreateBodies.serviceDeskId(bytes("[]"))).isNull();
    assertThat(CreateBodies.serviceDeskId(new byte[0])).isNull();
    byte[] past = new byte[CreateBodies.MAX_BODY_BYTES + 1];
    assertThat(CreateBodies.serviceDeskId(past)).isNull();
  }

  @Test
  void aCatalogRowIsEightCellsAndScopeSetsAreNumberedInOrder() {
    assertThatThrownBy(() -> RouteCatalog.parse("cloud\tGET\t/a\n"))
        .hasMessageContaining("malformed catalog row 1");
    assertThatThrownBy(() -> RouteCatalog.parse("# x\ncloud\tGET\t/a\tx\tplatform\tx\t\t\textra\n"))
        .hasMessageContaining("malformed catalog row 2");
    assertThatThrownBy(() -> RouteCatalog.parse("@1\tread:jira-work\n"))
        .hasMessageContaining("malformed catalog row 1");
    assertThatThrownBy(() -> RouteCatalog.parse("@0read:jira-work\n"))
        .hasMessageContaining("malformed catalog row 1");
    assertThatThrownBy(() -> RouteCatalog.parse("other\tGET\t/a\tx\tplatform\tx\t\t\n"))
        .hasMessageContaining("malformed catalog row 1");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
