package dev.warden.jira;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RouteCatalogTest {

  private static final RouteCatalog CATALOG = RouteCatalog.bundled();

  /** Atlassian's descriptions, present only where {@code ../shared} is. */
  private static Path shared() {
    return Path.of(System.getProperty("warden.jira.dir", "../../shared/jira"));
  }

  private static void assumeShared() {
    assumeTrue(
        Files.isRegularFile(shared().resolve(RouteCatalogGenerator.Source.PLATFORM.file)),
        "Atlassian's descriptions are not in this checkout: " + shared());
  }

  private static String committed() throws IOException {
    try (InputStream in = RouteCatalog.class.getResourceAsStream("/dev/warden/jira/routes.tsv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void committedCatalogIsWhatTheGeneratorWritesFromAtlassiansDescriptions() throws IOException {
    assumeShared();
    assertThat(committed()).isEqualTo(RouteCatalogGenerator.generate(shared()));
  }

  @Test
  void platformRowsAgreeWithTheSharedRouteTable() throws IOException {
    Path table = shared().resolve("routes-v3.tsv");
    assumeTrue(Files.isRegularFile(table), "the shared route table is not here: " + table);
    Set<String> theirs =
        Files.readAllLines(table).stream()
            .filter(l -> !l.startsWith("#") && !l.isBlank())
            .collect(Collectors.toSet());
    Set<String> ours =
        CATALOG.routes().stream()
            .filter(r -> !r.dataCenter() && r.operation().family().equals("platform"))
            .map(
                r ->
                    String.join(
                        "\t",
                        r.template(),
                        r.method(),
                        r.operation().operationId(),
                        r.operation().classic().isEmpty()
                            ? "-"
                            : String.join(" ", new java.util.TreeSet<>(r.operation().classic())),
                        r.operation().deprecated() ? "deprecated" : ""))
            .collect(Collectors.toSet());
    assertThat(ours).isEqualTo(theirs);
  }

  /** A concrete path for a template: each parameter an id no literal segment is. */
  private static String concrete(String template) {
    return template.replaceAll("\\{[^}]+}", "X1");
  }

  /**
   * Every route of the catalog, under every version of its module, classified from a URL built from
   * its template: to its own operation, with its template as called.
   */
  @Test
  void everyRouteIsClassifiedToItselfUnderEachVersion() {
    Map<String, Integer> checked = new TreeMap<>();
    for (Route route : CATALOG.routes()) {
      for (String template : route.templates()) {
        RouteMatch match =
            CATALOG.match(
                route.method(), PathSegments.parse(concrete(template)), route.dataCenter());
        assertThat(match.operation())
            .as(route.method() + " " + template + (route.dataCenter() ? " (Data Center)" : ""))
            .isSameAs(route.operation());
        assertThat(match.templateAsCalled()).isEqualTo(template);
        checked.merge(
            (route.dataCenter() ? "data-center " : "cloud ") + route.operation().family(),
            1,
            Integer::sum);
      }
    }
    // Cloud platform under 2, 3 and latest; agile under 1.0 and latest; Data Center likewise.
    assertThat(checked.get("cloud platform")).isGreaterThan(3 * 600);
    assertThat(checked.get("cloud software")).isGreaterThan(80);
    assertThat(checked.get("cloud servicedesk")).isEqualTo(68);
    assertThat(checked.get("data-center datacenter") + checked.get("data-center platform"))
        .isGreaterThan(2 * 380);
  }

  /**
   * Every operation of every one of Atlassian's descriptions, from a URL built from the
   * description's own path: its own operationId, in its family (or its Cloud twin's).
   */
  @Test
  void everyOperationOfEveryDescriptionIsClassifiedToItself() throws IOException {
    assumeShared();
    int total = 0;
    for (RouteCatalogGenerator.Source source : RouteCatalogGenerator.Source.values()) {
      JsonNode root = new ObjectMapper().readTree(shared().resolve(source.file).toFile());
      boolean dataCenter = source == RouteCatalogGenerator.Source.DATA_CENTER;
      int count = 0;
      for (Map.Entry<String, JsonNode> path : root.path("paths").properties()) {
        for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
          if (!op.getValue().has("operationId")) {
            continue;
          }
          String method = op.getKey().toUpperCase(Locale.ROOT);
          String url = concrete(source.prefix + path.getKey());
          Operation operation =
              CATALOG.match(method, PathSegments.parse(url), dataCenter).operation();
          String where = source.family + " " + method + " " + url;
          assertThat(operation.operationId())
              .as(where)
              .isEqualTo(op.getValue().get("operationId").asText());
          if (!dataCenter) {
            assertThat(operation.family()).as(where).isEqualTo(source.family);
          }
          // The other flavor's catalog never answers with this description's operation.
          assertThat(CATALOG.match(method, PathSegments.parse(url), !dataCenter).operation())
              .as(where)
              .isNotSameAs(operation);
          count++;
        }
      }
      assertThat(count).as(source.file).isGreaterThan(60);
      total += count;
    }
    assertThat(total).isEqualTo(616 + 82 + 68 + 433);
  }

  private static Operation cloud(String method, String path) {
    return CATALOG.match(method, PathSegments.parse(path), false).operation();
  }

  private static Operation dataCenter(String method, String path) {
    return CATALOG.match(method, PathSegments.parse(path), true).operation();
  }

  @Test
  void aBareNameIsThePlatformsOperationAndOtherFamiliesAreQualified() {
    // getIssue is in the platform and in Jira Software.
    assertThat(cloud("GET", "/rest/api/3/issue/OPS-1").name()).isEqualTo("getIssue");
    assertThat(cloud("GET", "/rest/agile/1.0/issue/OPS-1").name()).isEqualTo("software:getIssue");
    assertThat(CATALOG.operation("getIssue").orElseThrow().family()).isEqualTo("platform");
    assertThat(CATALOG.operation("platform:getIssue").orElseThrow().name()).isEqualTo("getIssue");
    assertThat(CATALOG.operation("software:getIssue").orElseThrow().family()).isEqualTo("software");
    // getAttachmentContent: platform and Service Management.
    assertThat(CATALOG.operation("getAttachmentContent").orElseThrow().family())
        .isEqualTo("platform");
    assertThat(CATALOG.operation("servicedesk:getAttachmentContent")).isPresent();
    // Only one family has it: bare, and qualified as well.
    assertThat(cloud("GET", "/rest/agile/1.0/board/7").name()).isEqualTo("getBoard");
    assertThat(CATALOG.operation("software:getBoard").orElseThrow().name()).isEqualTo("getBoard");
    assertThat(cloud("POST", "/rest/servicedeskapi/request").name())
        .isEqualTo("createCustomerRequest");
    assertThat(cloud("GET", "/rest/agile/1.0/sprint/5").name()).isEqualTo("getSprint");
    // Two families other than the platform: the bare id names neither.
    assertThat(CATALOG.operation("getProperty")).isEmpty();
    assertThat(CATALOG.ambiguous("getProperty"))
        .containsExactlyInAnyOrder("software:getProperty", "servicedesk:getProperty");
    assertThat(CATALOG.ambiguous("getIssue")).isEmpty();
    // A family that does not have it names nothing.
    assertThat(CATALOG.operation("servicedesk:getBoard")).isEmpty();
    assertThat(CATALOG.operation("datacenter:getIssue")).isEmpty();
  }

  @Test
  void dataCenterOperationsAreTheirCloudTwinsOrQualified() {
    Operation issue = dataCenter("GET", "/rest/api/2/issue/OPS-1");
    assertThat(issue.name()).isEqualTo("getIssue");
    assertThat(issue.family()).isEqualTo("platform");
    assertThat(issue.classic()).containsExactly("read:jira-work");
    assertThat(dataCenter("GET", "/rest/api/latest/issue/OPS-1")).isSameAs(issue);
    assertThat(dataCenter("GET", "/rest/agile/1.0/issue/OPS-1").name())
        .isEqualTo("software:getIssue");
    assertThat(dataCenter("GET", "/rest/agile/latest/board/3").name()).isEqualTo("getBoard");

    Operation session = dataCenter("GET", "/rest/auth/1/session");
    assertThat(session.name()).isEqualTo("datacenter:currentUser");
    assertThat(session.family()).isEqualTo("datacenter");
    assertThat(session.classic()).isEmpty();
    assertThat(session.isUnscoped()).isFalse();
    assertThat(session.scopeText()).isEqualTo(Operation.UNSCOPED);
    assertThat(dataCenter("GET", "/rest/auth/latest/session")).isSameAs(session);
    assertThat(dataCenter("POST", "/rest/auth/1/session").name()).isEqualTo("datacenter:login");
    assertThat(CATALOG.operation("datacenter:currentUser")).containsSame(session);

    // Each flavor knows only its own API.
    assertThat(cloud("GET", "/rest/auth/1/session").isUnknown()).isTrue();
    assertThat(dataCenter("GET", "/rest/api/3/issue/OPS-1").isUnknown()).isTrue();
    assertThat(dataCenter("GET", "/rest/servicedeskapi/request").isUnknown()).isTrue();
    assertThat(cloud("GET", "/rest/api/2/issue/OPS-1").name()).isEqualTo("getIssue");
  }

  @Test
  void scopesAreClassicOrAnyGranularSetWhollyGranted() {
    Operation getIssue = CATALOG.operation("getIssue").orElseThrow();
    assertThat(getIssue.classic()).containsExactly("read:jira-work");
    assertThat(getIssue.scopeText()).isEqualTo("read:jira-work");
    assertThat(getIssue.grantedBy(Set.of("read:jira-work", "write:jira-work"))).isTrue();
    assertThat(getIssue.grantedBy(Set.of("write:jira-work"))).isFalse();
    assertThat(getIssue.granular()).isNotEmpty();
    Set<String> granular = getIssue.granular().get(0);
    assertThat(getIssue.grantedBy(granular)).isTrue();
    assertThat(getIssue.grantedBy(Set.of("read:issue:jira"))).isFalse();

    // Jira Software lists granular scopes only.
    Operation sprint = CATALOG.operation("getSprint").orElseThrow();
    assertThat(sprint.classic()).isEmpty();
    assertThat(sprint.granular()).isNotEmpty();
    assertThat(sprint.scopeText()).contains("jira-software");
    assertThat(sprint.isUnscoped()).isFalse();

    // No classic scope: unscoped, yet its granular scope grants it.
    Operation redact = CATALOG.operation("redact").orElseThrow();
    assertThat(redact.isUnscoped()).isTrue();
    assertThat(redact.grantedBy(Set.of("redact:issue:jira"))).isTrue();
    Operation serverInfo = CATALOG.operation("getServerInfo").orElseThrow();
    assertThat(serverInfo.isUnscoped()).isTrue();
    assertThat(serverInfo.grantedBy(Set.of("read:jira-work"))).isFalse();

    assertThat(CATALOG.operation("createCustomer").orElseThrow().classic())
        .containsExactly("manage:servicedesk-customer");
    assertThat(CATALOG.scopes())
        .contains(
            "read:jira-work",
            "write:jira-work",
            "read:jira-user",
            "manage:jira-project",
            "manage:jira-configuration",
            "manage:jira-webhook",
            "read:sprint:jira-software",
            "read:servicedesk-request");
  }

  @Test
  void everyNameIsFoundAndNamesItsOwnOperation() {
    for (Route route : CATALOG.routes()) {
      Operation named = CATALOG.operation(route.operation().name()).orElseThrow();
      assertThat(named.name()).isEqualTo(route.operation().name());
    }
    assertThat(CATALOG.names()).contains("getIssue", "software:getIssue", "platform:getIssue");
    assertThat(CATALOG.sources()).hasSize(4);
  }

  @Test
  void aPathThatExistsForAnotherMethodIsUnknownNotTheParameterRoute() {
    // GET /issue/bulk is not getIssue with key "bulk": Jira answers 405.
    assertThat(cloud("GET", "/rest/api/3/issue/bulk")).isEqualTo(Operation.UNKNOWN);
    assertThat(cloud("POST", "/rest/api/3/issue/bulk").name()).isEqualTo("createIssues");
  }

  @Test
  void headFallsBackToGet() {
    assertThat(cloud("HEAD", "/rest/api/2/issue/OPS-1").name()).isEqualTo("getIssue");
  }

  @Test
  void dataCenterRowsAreReadAtTheirFirstUseAndTheirErrorsNameTheirLine() {
    String text =
        "# source: test\n"
            + "@0\tread:jira-work\n"
            + "cloud\tGET\t/rest/api/3/myself\tgetCurrentUser\tplatform\tgetCurrentUser\t0\t\n"
            + "data-center\tGET\t/rest/api/2/myself\tgetCurrentUser\tplatform\tgetUser\t7\t\n";
    // Cloud alone does not read it.
    RouteCatalog catalog = RouteCatalog.parse(text);
    assertThat(
            catalog
                .match("GET", PathSegments.parse("/rest/api/3/myself"), false)
                .operation()
                .name())
        .isEqualTo("getCurrentUser");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> catalog.match("GET", PathSegments.parse("/rest/api/2/myself"), true))
        .hasMessageContaining("row 4 (scope set 7)");

    RouteCatalog good = RouteCatalog.parse(text.replace("\t7\t", "\t0\t"));
    Operation twin =
        good.match("GET", PathSegments.parse("/rest/api/latest/myself"), true).operation();
    assertThat(twin.name()).isEqualTo("getCurrentUser");
    assertThat(twin.operationId()).isEqualTo("getUser");
    assertThat(twin.classic()).containsExactly("read:jira-work");
  }

  @Test
  void malformedRowsAreRefusedWithTheirLine() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RouteCatalog.parse("# header\ncloud\tGET\t/rest/x\n"))
        .hasMessageContaining("row 2");
  }
}
