package dev.warden.policy;

import dev.warden.jira.RouteCatalog;
import dev.warden.policy.Words.Flavor;
import dev.warden.policy.Words.Mode;
import dev.warden.policy.Words.UnmanagedEgress;
import dev.warden.policy.yaml.Mark;
import dev.warden.policy.yaml.Node;
import dev.warden.policy.yaml.YamlTree;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates a policy file (CONTRACT section 3). Every problem is reported, each as {@code
 * FILE:LINE:COLUMN: message}; a policy is built only when there are none.
 */
public final class PolicyLoader {

  static final List<String> TOP_KEYS =
      List.of(
          "version",
          "mode",
          "unmanaged-egress",
          "caller-skip",
          "sites",
          "credentials",
          "throttles",
          "retry",
          "rules");
  private static final List<String> SITE_KEYS = List.of("id", "url", "credential", "flavor");
  private static final List<String> THROTTLE_KEYS =
      List.of("capacity", "refill", "max-wait", "per", "store");
  private static final List<String> RETRY_KEYS =
      List.of("max-attempts", "max-elapsed", "base-delay");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern REFILL = Pattern.compile("([0-9]{1,12})/([0-9]{1,9}(?:ms|s|m|h))");
  private static final Pattern URL_LINE =
      Pattern.compile("^\\s*(?:-\\s*)?url\\s*:\\s*['\"]?([^'\"#\\s]+)");

  private final RouteCatalog catalog;

  /** A loader that checks operation names against {@code catalog}. */
  public PolicyLoader(RouteCatalog catalog) {
    this.catalog = catalog;
  }

  /** A loader over Warden's bundled route catalog. */
  public static PolicyLoader bundled() {
    return new PolicyLoader(RouteCatalog.bundled());
  }

  /** Reads and validates the file at {@code path}; {@code name} is how problems name it. */
  public LoadResult load(Path path, String name) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return failed(name, "the policy file does not exist; check the 'policy' setting");
    } catch (AccessDeniedException e) {
      return failed(name, "the policy file cannot be read: permission denied");
    } catch (MalformedInputException e) {
      return failed(name, "the policy file is not UTF-8 text");
    } catch (IOException e) {
      return failed(name, "the policy file cannot be read: " + e.getClass().getSimpleName());
    }
    return parse(text, name);
  }

  private static LoadResult failed(String name, String message) {
    return new LoadResult(
        Optional.empty(), List.of(new Problem(name, new Mark(1, 1), message)), List.of());
  }

  /** Validates policy text; {@code name} is how problems name the file. */
  public LoadResult parse(String text, String name) {
    Problems problems = new Problems(name);
    Node root;
    try {
      root = YamlTree.parse(text);
    } catch (YamlTree.SyntaxException e) {
      problems.add(e.mark().line() > 0 ? e.mark() : new Mark(1, 1), e.getMessage());
      return new LoadResult(Optional.empty(), problems.list(), scanSiteUrls(text));
    }
    if (root == null) {
      problems.add(
          new Mark(1, 1),
          "the policy file is empty; it needs at least version: 1, sites, credentials and rules");
      return new LoadResult(Optional.empty(), problems.list(), List.of());
    }
    Policy policy = read(root, name, problems);
    List<SiteUrl> readable = readableSiteUrls(root);
    if (!problems.isEmpty()) {
      return new LoadResult(Optional.empty(), problems.list(), readable);
    }
    return new LoadResult(Optional.of(policy), List.of(), readable);
  }

  private Policy read(Node root, String name, Problems problems) {
    Section top = Section.of(root, "the policy", problems, TOP_KEYS);
    Long version = top.wholeNumber("version", 1, "1");
    if (!top.has("version")) {
      problems.add(top.mark(), "the policy has no 'version'; add version: 1 as its first line");
    } else if (version != null && version != 1) {
      problems.add(
          top.markOf("version"),
          "version " + version + " is not one this Warden reads; write version: 1");
    }
    Mode mode = top.word("mode", Mode.class, Mode.ENFORCE);
    UnmanagedEgress egress =
        top.word("unmanaged-egress", UnmanagedEgress.class, UnmanagedEgress.AUDIT);
    List<String> callerSkip = callerSkip(top);
    Map<String, Credential> credentials = credentials(top);
    List<Site> sites = sites(top, credentials);
    Map<String, Throttle> throttles = throttles(top);
    Retry retry = retry(top);
    List<Rule> rules = rules(top, sites, throttles);
    if (!problems.isEmpty()) {
      return null;
    }
    return new Policy(name, mode, egress, callerSkip, sites, credentials, throttles, retry, rules);
  }

  private static List<String> callerSkip(Section top) {
    List<String> out = new ArrayList<>();
    for (Section.Scalar glob : top.list("caller-skip")) {
      if (RuleReader.CALLER_GLOB.matcher(glob.text()).matches()) {
        out.add(glob.text());
      } else {
        top.problems()
            .add(
                glob.mark(),
                "caller-skip entry '"
                    + glob.text()
                    + "' is not a package glob; write com.acme.platform.jira.** (a package and below) or com.acme.util.* (one package)");
      }
    }
    return out;
  }

  private static Map<String, Credential> credentials(Section top) {
    Map<String, Credential> out = new LinkedHashMap<>();
    Node node = top.node("credentials");
    if (node == null) {
      return out;
    }
    if (!(node instanceof Node.MapNode map)) {
      top.problems()
          .add(
              node.mark(),
              "'credentials' must map credential names to their settings; found "
                  + node.kindName());
      return out;
    }
    for (Node.Entry entry : map.entries()) {
      if (!ID.matcher(entry.key()).matches()) {
        top.problems()
            .add(
                entry.keyMark(),
                "credential name '"
                    + entry.key()
                    + "' may hold only letters, digits, '.', '_' and '-'");
        continue;
      }
      Credential credential = CredentialReader.read(entry.key(), entry.value(), top.problems());
      if (credential != null) {
        out.put(entry.key(), credential);
      } else {
        out.put(entry.key(), null);
      }
    }
    return out;
  }

  private static List<Site> sites(Section top, Map<String, Credential> credentials) {
    List<Site> out = new ArrayList<>();
    Node node = top.node("sites");
    if (node == null) {
      top.problems()
          .add(
              top.mark(),
              "the policy has no 'sites'; add the Jira sites this service calls, such as"
                  + " sites: [{id: acme, url: https://acme.atlassian.net, credential: acme-bot}]");
      return out;
    }
    if (!(node instanceof Node.ListNode list)) {
      top.problems().add(node.mark(), "'sites' must be a list of sites; found " + node.kindName());
      return out;
    }
    Set<String> ids = new HashSet<>();
    Map<String, Site> byUrl = new LinkedHashMap<>();
    for (int i = 0; i < list.items().size(); i++) {
      Node item = list.items().get(i);
      Section section = Section.of(item, "site #" + (i + 1), top.problems(), SITE_KEYS);
      Section.Scalar id = section.requiredText("id", "acme");
      String where = id == null ? "site #" + (i + 1) : "site '" + id.text() + "'";
      if (id != null && !ID.matcher(id.text()).matches()) {
        top.problems()
            .add(
                id.mark(),
                "site id '" + id.text() + "' may hold only letters, digits, '.', '_' and '-'");
        id = null;
      } else if (id != null && !ids.add(id.text())) {
        top.problems()
            .add(id.mark(), "site id '" + id.text() + "' is used twice; give each site its own id");
        id = null;
      }
      SiteUrl url = null;
      Section.Scalar urlText = section.requiredText("url", "https://acme.atlassian.net");
      if (urlText != null) {
        try {
          url = SiteUrl.parse(urlText.text());
        } catch (IllegalArgumentException e) {
          top.problems().add(urlText.mark(), "'url' of " + where + ": " + e.getMessage());
        }
      }
      Section.Scalar credential =
          section.requiredText("credential", "the name of an entry under credentials");
      if (credential != null && !credentials.containsKey(credential.text())) {
        top.problems()
            .add(
                credential.mark(),
                where
                    + " names credential '"
                    + credential.text()
                    + "', which is not under 'credentials'"
                    + Suggestions.didYouMean(credential.text(), credentials.keySet()));
        credential = null;
      }
      Flavor flavor = section.word("flavor", Flavor.class, Flavor.CLOUD);
      if (id == null || url == null || credential == null || flavor == null) {
        continue;
      }
      Site site = new Site(id.text(), url, credential.text(), flavor, section.mark());
      Site twin = byUrl.putIfAbsent(url.toString(), site);
      if (twin != null) {
        top.problems()
            .add(
                urlText.mark(),
                where + " has the same url as site '" + twin.id() + "'; a URL belongs to one site");
        continue;
      }
      out.add(site);
    }
    return out;
  }

  private static Map<String, Throttle> throttles(Section top) {
    Map<String, Throttle> out = new LinkedHashMap<>();
    Node node = top.node("throttles");
    if (node == null) {
      return out;
    }
    if (!(node instanceof Node.MapNode map)) {
      top.problems()
          .add(
              node.mark(),
              "'throttles' must map throttle names to their settings; found " + node.kindName());
      return out;
    }
    for (Node.Entry entry : map.entries()) {
      String where = "throttle '" + entry.key() + "'";
      Section section = Section.of(entry.value(), where, top.problems(), THROTTLE_KEYS);
      Long capacity = section.wholeNumber("capacity", 1, "50");
      if (!section.has("capacity")) {
        top.problems()
            .add(
                section.mark(),
                where + " has no 'capacity'; add capacity: 50 (the most tokens the bucket holds)");
      }
      long[] refill = refill(section);
      var maxWait = section.duration("max-wait", Throttle.DEFAULT_MAX_WAIT);
      var per = section.word("per", Words.Per.class, Words.Per.SITE);
      var store = CredentialReader.store(section);
      if (capacity == null || refill == null || maxWait == null || per == null || store == null) {
        out.put(entry.key(), null);
        continue;
      }
      out.put(
          entry.key(),
          new Throttle(
              entry.key(),
              capacity,
              refill[0],
              java.time.Duration.ofMillis(refill[1]),
              maxWait,
              per,
              store,
              section.mark()));
    }
    return out;
  }

  /** {@code N/DURATION} as {tokens, period millis}. */
  private static long[] refill(Section section) {
    Section.Scalar text = section.requiredText("refill", "100/1m (tokens per period)");
    if (text == null) {
      return null;
    }
    Matcher matcher = REFILL.matcher(text.text().replace(" ", ""));
    if (matcher.matches()) {
      long tokens = Long.parseLong(matcher.group(1));
      long millis = Durations.parse(matcher.group(2)).toMillis();
      if (tokens > 0 && millis > 0) {
        return new long[] {tokens, millis};
      }
    }
    section
        .problems()
        .add(
            text.mark(),
            "'refill' of "
                + section.where()
                + " must be N/DURATION with N and DURATION above 0, such as 100/1m or 10/1s; found '"
                + text.text()
                + "'");
    return null;
  }

  private static Retry retry(Section top) {
    if (top.node("retry") == null) {
      return Retry.DEFAULT;
    }
    Section section = Section.of(top.node("retry"), "'retry'", top.problems(), RETRY_KEYS);
    Long attempts = section.wholeNumber("max-attempts", 1, "4");
    var elapsed = section.duration("max-elapsed", Retry.DEFAULT.maxElapsed());
    var base = section.duration("base-delay", Retry.DEFAULT.baseDelay());
    if ((attempts == null && section.has("max-attempts")) || elapsed == null || base == null) {
      return null;
    }
    return new Retry(
        attempts == null ? Retry.DEFAULT.maxAttempts() : attempts.intValue(), elapsed, base);
  }

  private List<Rule> rules(Section top, List<Site> sites, Map<String, Throttle> throttles) {
    List<Rule> out = new ArrayList<>();
    Node node = top.node("rules");
    if (node == null) {
      top.problems()
          .add(
              top.mark(),
              "the policy has no 'rules'; without rules every Jira call is denied."
                  + " Add rules, such as rules: [{id: reads, effect: allow, operations: [read:jira-work]}]");
      return out;
    }
    if (!(node instanceof Node.ListNode list)) {
      top.problems().add(node.mark(), "'rules' must be a list of rules; found " + node.kindName());
      return out;
    }
    Set<String> siteIds = new HashSet<>();
    sites.forEach(s -> siteIds.add(s.id()));
    if (sites.stream().anyMatch(Site::dataCenter)) {
      // Ready before the first request to it, as the rest of the policy is.
      catalog.prepareDataCenter();
    }
    RuleReader reader = new RuleReader(catalog, top.problems(), siteIds, throttles.keySet());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.items().size(); i++) {
      Rule rule = reader.read(list.items().get(i), i);
      if (rule == null) {
        continue;
      }
      if (!ids.add(rule.id())) {
        top.problems()
            .add(
                rule.mark(),
                "rule id '" + rule.id() + "' is used twice; give each rule its own id");
      }
      out.add(rule);
    }
    return out;
  }

  /** The URLs of the sites a parsed (if invalid) policy names. */
  private static List<SiteUrl> readableSiteUrls(Node root) {
    List<SiteUrl> out = new ArrayList<>();
    if (root instanceof Node.MapNode map
        && map.entry("sites") != null
        && map.entry("sites").value() instanceof Node.ListNode list) {
      for (Node item : list.items()) {
        if (item instanceof Node.MapNode site
            && site.entry("url") != null
            && site.entry("url").value() instanceof Node.ScalarNode url) {
          addIfUrl(url.text(), out);
        }
      }
    }
    return out;
  }

  /** For text that is not even YAML: every {@code url:} line that holds a site URL. */
  private static List<SiteUrl> scanSiteUrls(String text) {
    List<SiteUrl> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher matcher = URL_LINE.matcher(line);
      if (matcher.find()) {
        addIfUrl(matcher.group(1), out);
      }
    }
    return out;
  }

  private static void addIfUrl(String text, List<SiteUrl> out) {
    if (text == null) {
      return;
    }
    try {
      out.add(SiteUrl.parse(text));
    } catch (IllegalArgumentException e) {
      // Not readable: nothing to refuse for it.
    }
  }
}
