package dev.warden.agent.throttle;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjLongConsumer;

/**
 * What each site's Jira last said was left of its rate limit ({@code X-RateLimit-Remaining}), for
 * the {@code warden.jira.rate_limit.remaining} gauge. Written on the request path without a lock:
 * one map lookup per response that carries the field.
 */
public final class RemainingRequests {

  private final Map<String, AtomicLong> bySite = new ConcurrentHashMap<>();

  /** Jira said {@code remaining} requests are left at {@code site}; a negative value is ignored. */
  public void record(String site, long remaining) {
    if (remaining < 0 || site == null) {
      return;
    }
    AtomicLong last = bySite.get(site);
    if (last == null) {
      last = bySite.computeIfAbsent(site, ignored -> new AtomicLong());
    }
    last.set(remaining);
  }

  /** Each site Jira has said it of, with the last value. */
  public void forEach(ObjLongConsumer<String> each) {
    bySite.forEach((site, last) -> each.accept(site, last.get()));
  }
}
