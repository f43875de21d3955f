package dev.warden.jira;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RouteCatalogTest {

  private static final RouteCatalog CATALOG = RouteCatalog.bundled();

  private static Path openApi() {
    String configured =
        System.getProperty(
            "warden.jira.openapi", "../../shared/jira/jira-cloud-platform-openapi-v3.json");
    return Path.of(configured);
  }

  private static String committed() throws IOException {
    try (InputStream in = RouteCatalog.class.getResourceAsStream("/dev/warden/jira/routes.tsv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void committedCatalogIsWhatTheGeneratorWritesFromAtlassiansDescription() throws IOException {
    Path description = openApi();
    assumeTrue(
        Files.isRegularFile(description),
        "Atlassian's description is not in this checkout: " + description);
    assertThat(committed()).isEqualTo(RouteCatalogGenerator.generate(description));
  }

  @Test
  void committedCatalogAgreesWithTheSharedRouteTable() throws IOException {
    Path table = openApi().resolveSibling("routes-v3.tsv");
    assumeTrue(
        Files.isRegularFile(table), "the shared route table is not in this checkout: " + table);
    Set<String> shared =
        Files.readAllLines(table).stream()
            .filter(l -> !l.startsWith("#") && !l.isBlank())
            .collect(Collectors.toSet());
    Set<String> ours =
        committed()
            .lines()
            .filter(l -> !l.startsWith("#") && !l.isBlank() && !l.endsWith("data-center"))
            .map(l -> l.split("\t", -1))
            .map(c -> String.join("\t", c[1], c[0], c[2], c[3], c[4]))
            .collect(Collectors.toSet());
    assertThat(ours).isEqualTo(shared);
  }

  @Test
  void everyVersionThreeOperationIsReachableUnderVersionTwoAndLatest() {
    int checked = 0;
    for (Route route : CATALOG.routes()) {
      if (!route.template().startsWith("/rest/api/3/")) {
        continue;
      }
      String concrete = route.template().replaceAll("\\{[^}]+}", "X1");
      for (String version : List.of("2", "3", "latest")) {
        String path = concrete.replaceFirst("^/rest/api/3/", "/rest/api/" + version + "/");
        RouteMatch match = CATALOG.match(route.method(), PathSegments.parse(path), false);
        assertThat(match.operation().id())
            .as(route.method() + " " + path)
            .isEqualTo(route.operation().id());
        assertThat(match.templateAsCalled())
            .isEqualTo(route.template().replaceFirst("/3/", "/" + version + "/"));
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(550);
  }

  @Test
  void knowsScopesFromBothTheSecurityBlockAndTheOauthExtension() {
    assertThat(CATALOG.operation("getIssue").orElseThrow().scopes())
        .containsExactly("read:jira-work");
    assertThat(CATALOG.operation("getServerInfo").orElseThrow().isUnscoped()).isTrue();
    assertThat(CATALOG.operation("getCurrentUser").orElseThrow().scopes())
        .containsExactly("read:jira-user");
    assertThat(CATALOG.scopes())
        .contains(
            "read:jira-work",
            "write:jira-work",
            "read:jira-user",
            "manage:jira-project",
            "manage:jira-configuration",
            "manage:jira-webhook");
  }

  @Test
  void dataCenterRoutesExistOnlyForDataCenterSites() {
    PathSegments session = PathSegments.parse("/rest/auth/1/session");
    assertThat(CATALOG.match("GET", session, true).operation().id()).isEqualTo("getCurrentSession");
    assertThat(CATALOG.match("GET", session, false).operation()).isEqualTo(Operation.UNKNOWN);
  }

  @Test
  void aPathThatExistsForAnotherMethodIsUnknownNotTheParameterRoute() {
    // GET /issue/bulk is not getIssue with key "bulk": Jira answers 405.
    assertThat(
            CATALOG.match("GET", PathSegments.parse("/rest/api/3/issue/bulk"), false).operation())
        .isEqualTo(Operation.UNKNOWN);
    assertThat(
            CATALOG
                .match("POST", PathSegments.parse("/rest/api/3/issue/bulk"), false)
                .operation()
                .id())
        .isEqualTo("createIssues");
  }

  @Test
  void headFallsBackToGet() {
    assertThat(
            CATALOG
                .match("HEAD", PathSegments.parse("/rest/api/2/issue/OPS-1"), false)
                .operation()
                .id())
        .isEqualTo("getIssue");
  }
}
