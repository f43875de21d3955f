package dev.warden.agent.throttle;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The pauses Jira asked for (CONTRACT section 4), by scope: a whole site, one endpoint and method
 * of a site, or the writes to one issue. Every request checks the pauses that cover it before it
 * takes a throttle token. Times are epoch milliseconds, so that JVMs sharing a store agree on them.
 */
public final class Pauses {

  /** Where a pause applies. {@link #key()} is how stores name it. */
  public record Scope(String key) {

    /** Every request to the site (the quota reasons, and a 429 or 503 without a reason). */
    public static Scope site(String site) {
      return new Scope("site|" + site);
    }

    /** One endpoint and method of a site ({@code jira-burst-based}). */
    public static Scope endpoint(String site, String method, String route) {
      return new Scope("endpoint|" + site + "|" + method + "|" + route);
    }

    /** Writes to one issue ({@code jira-per-issue-on-write}); the key or id, upper case. */
    public static Scope issueWrites(String site, String issue) {
      return new Scope("issue|" + site + "|" + issue.toUpperCase(Locale.ROOT));
    }

    /** The site a scope belongs to. */
    public String site() {
      int first = key.indexOf('|');
      int second = key.indexOf('|', first + 1);
      return second < 0 ? key.substring(first + 1) : key.substring(first + 1, second);
    }

    /**
     * Short text for logs and messages: says which limit, never anything secret (keys and routes
     * only).
     */
    @Override
    public String toString() {
      String[] parts = key.split("\\|");
      return switch (parts[0]) {
        case "endpoint" -> parts[2] + " " + parts[3] + " on site " + parts[1];
        case "issue" -> "writes to " + parts[2] + " on site " + parts[1];
        default -> "site " + parts[1];
      };
    }
  }

  /** Hears of pauses this JVM learned, to share them (a store publishes them to the fleet). */
  public interface Listener {
    void paused(Scope scope, long untilEpochMillis);
  }

  private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
  private final LongSupplier epochMillis;

  /**
   * @param epochMillis the wall clock
   */
  public Pauses(LongSupplier epochMillis) {
    this.epochMillis = epochMillis;
  }

  /** Adds a listener for pauses learned here (not those {@link #learn learned} from others). */
  public void listen(Listener listener) {
    listeners.add(listener);
  }

  /** Pauses a scope until then (a later pause already in force stays), and tells the listeners. */
  public void pause(Scope scope, long untilEpochMillis) {
    if (learn(scope, untilEpochMillis)) {
      for (Listener listener : listeners) {
        listener.paused(scope, untilEpochMillis);
      }
    }
  }

  /**
   * Records a pause another JVM learned.
   *
   * @return whether it extends what was known
   */
  public boolean learn(Scope scope, long untilEpochMillis) {
    long now = epochMillis.getAsLong();
    if (untilEpochMillis <= now) {
      return false;
    }
    boolean[] extended = {false};
    until.compute(
        scope.key(),
        (k, old) -> {
          if (old == null || old < untilEpochMillis) {
            extended[0] = true;
            return untilEpochMillis;
          }
          return old;
        });
    if (until.size() > 64) {
      until.values().removeIf(t -> t <= now);
    }
    return extended[0];
  }

  /**
   * When the latest pause covering a request ends, or 0 when none does.
   *
   * @param site the site id
   * @param method the HTTP method
   * @param route the route template (the endpoint)
   * @param issue the issue key or id, or {@code null}
   */
  public long pausedUntil(String site, String method, String route, String issue) {
    if (until.isEmpty()) {
      return 0;
    }
    long now = epochMillis.getAsLong();
    long latest = live(Scope.site(site).key(), now);
    latest = Math.max(latest, live(Scope.endpoint(site, method, route).key(), now));
    if (issue != null && isWrite(method)) {
      latest = Math.max(latest, live(Scope.issueWrites(site, issue).key(), now));
    }
    return latest;
  }

  /** Every pause in force, for a store that shares them with JVMs that start later. */
  public Map<String, Long> inForce() {
    long now = epochMillis.getAsLong();
    Map<String, Long> live = new ConcurrentHashMap<>(until);
    live.values().removeIf(t -> t <= now);
    return live;
  }

  private long live(String key, long now) {
    Long t = until.get(key);
    return t != null && t > now ? t : 0;
  }

  /** Whether Jira counts the method as a write to an issue. */
  public static boolean isWrite(String method) {
    return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
  }
}
