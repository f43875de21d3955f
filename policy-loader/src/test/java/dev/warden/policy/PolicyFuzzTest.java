package dev.warden.policy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.warden.policy.secret.Template;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the policy's parsers of outside input: the policy file, store URIs, site URLs
 * and secret references. Each checks properties, not only that nothing crashes: an invalid policy
 * says what and where, a parser fails only with its documented exception and a message, and no
 * message or printed form repeats a literal that could be a secret. {@code mvn verify} replays the
 * corpus in {@code src/test/resources/dev/warden/policy/PolicyFuzzTestInputs/<target>} and fuzzes
 * each target briefly; {@code -Pfuzz} fuzzes longer.
 */
class PolicyFuzzTest {

  private static final PolicyLoader LOADER = PolicyLoader.bundled();

  @FuzzTest(maxDuration = "10s")
  void policyFile(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    LoadResult result = LOADER.parse(text, "fuzz.yaml");
    Fuzz.check(result.valid() == result.errors().isEmpty(), "valid exactly when no errors", text);
    // YAML breaks lines at \n, \r\n, \r, NEL, LS and PS.
    int lines = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        lines++;
      }
    }
    for (Problem problem : result.errors()) {
      Fuzz.check(problem.file().equals("fuzz.yaml"), "a problem names the file", text);
      Fuzz.check(
          problem.mark().line() >= 1 && problem.mark().line() <= lines,
          "a problem's line lies in the file: " + problem,
          text);
      Fuzz.check(problem.mark().column() >= 1, "a problem has a column: " + problem, text);
      Fuzz.check(!problem.message().isBlank(), "a problem says what is wrong", text);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void storeUri(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    Fuzz.Literal literal = Fuzz.literalUserInfo(text);
    try {
      StoreUri uri = StoreUri.parse(text);
      Fuzz.check(!uri.host().isEmpty(), "a store has a host", text);
      Fuzz.check(uri.port() >= 1 && uri.port() <= 65535, "a store's port is a port", text);
      Fuzz.check(uri.database() >= 0, "a store's database is a number", text);
      Fuzz.check(
          uri.password().isEmpty() || uri.password().get().isSingleReference(),
          "a store's password is a reference",
          text);
      Fuzz.check(StoreUri.parse(uri.toString()).equals(uri), "its printed form parses back", text);
    } catch (IllegalArgumentException e) {
      Fuzz.check(e.getMessage() != null && !e.getMessage().isBlank(), "an error says why", text);
      Fuzz.checkNoLiteral(t -> Fuzz.errorOf(StoreUri::parse, t), literal, text);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void siteUrl(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    Fuzz.Literal literal = Fuzz.literalUserInfo(text);
    try {
      SiteUrl url = SiteUrl.parse(text);
      Fuzz.check(
          url.scheme().equals("http") || url.scheme().equals("https"), "http or https", text);
      Fuzz.check(!url.host().isEmpty(), "a site has a host", text);
      Fuzz.check(url.port() >= 0 && url.port() <= 65535, "a site's port is a port", text);
      Fuzz.check(SiteUrl.parse(url.toString()).equals(url), "its normal form parses back", text);
    } catch (IllegalArgumentException e) {
      Fuzz.check(e.getMessage() != null && !e.getMessage().isBlank(), "an error says why", text);
      Fuzz.checkNoLiteral(t -> Fuzz.errorOf(SiteUrl::parse, t), literal, text);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void secretReference(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    // Whatever precedes the first reference is a literal: possibly a secret written by mistake.
    int reference = text.indexOf("${");
    Fuzz.Literal literal = new Fuzz.Literal(reference < 0 ? text : text.substring(0, reference), 0);
    try {
      Template template = Template.parse(text);
      Fuzz.check(template.text().equals(text), "a template keeps its text", text);
      Fuzz.check(
          !template.isSingleReference() || template.references().size() == 1,
          "a single reference is one reference",
          text);
    } catch (IllegalArgumentException e) {
      Fuzz.check(e.getMessage() != null && !e.getMessage().isBlank(), "an error says why", text);
      Fuzz.checkNoLiteral(t -> Fuzz.errorOf(Template::parse, t), literal, text);
    }
  }
}
