package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Body;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.RedirectPolicy;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.policy.SiteUrl;
import java.net.URI;

/** The next hop of a redirect, the way the application's client would make it. */
final class Redirects {

  private Redirects() {}

  /**
   * The request to follow {@code outcome} with, or {@code null} when the client would not follow
   * it.
   */
  static WardenRequest next(Outcome outcome, RedirectPolicy policy, int redirectsSoFar) {
    if (!(outcome instanceof Outcome.Sent sent)) {
      return null;
    }
    WardenRequest previous = sent.request();
    URI target = target(sent.status(), sent.response().headers(), previous, policy, redirectsSoFar);
    if (target == null) {
      return null;
    }
    String method = policy.methodAfter(sent.status(), previous.method());
    WardenRequest next = previous.withUri(target);
    if (!method.equals(previous.method())) {
      next =
          next.withMethod(method, Body.NONE)
              .withHeaders(previous.headers().without("Content-Type").without("Content-Length"));
    }
    if (!sameOrigin(previous.uri(), target)) {
      // As browsers and the JDK's own clients do: credentials never follow a redirect to another
      // origin.
      next = RequestCredentials.offSite(next);
    }
    return next;
  }

  /**
   * Whether Warden will follow a response with this status and these fields: asked by hooks as the
   * fields arrive (a followed response's body is never the application's), and decided by the same
   * checks as {@link #next}.
   */
  static boolean follows(
      int status,
      Headers headers,
      WardenRequest request,
      RedirectPolicy policy,
      int redirectsSoFar) {
    return target(status, headers, request, policy, redirectsSoFar) != null;
  }

  /** Where the client would go next, or {@code null} when it would not follow. */
  private static URI target(
      int status,
      Headers headers,
      WardenRequest previous,
      RedirectPolicy policy,
      int redirectsSoFar) {
    if (!policy.follows(status, previous.method()) || redirectsSoFar >= policy.maxHops()) {
      return null;
    }
    String location = headers.first("Location");
    if (location == null) {
      return null;
    }
    URI target;
    try {
      target = previous.uri().resolve(location.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (target.getScheme() == null
        || SiteUrl.hostOf(target) == null
        || !policy.allowsScheme(previous.uri().getScheme(), target.getScheme())) {
      return null;
    }
    return target;
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && java.util.Objects.equals(
            SiteUrl.canonicalHost(SiteUrl.hostOf(a)), SiteUrl.canonicalHost(SiteUrl.hostOf(b)))
        && SiteUrl.effectivePort(a) == SiteUrl.effectivePort(b);
  }
}
