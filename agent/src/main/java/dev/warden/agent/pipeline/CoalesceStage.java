package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code coalesce: true} (CONTRACT section 3): concurrent GETs an allow rule lets through with the
 * same site, URL, credential and content-negotiating fields go to Jira once. The first (the leader)
 * goes on through the stages; the others (followers) wait for its response, take no throttle token,
 * and each gets its own copy, made by its own client, with {@code warden.coalesced} on its span.
 * When the leader gets no response to share (its client failed, it was throttled or cancelled, or
 * its client cannot share a body), every follower goes on by itself.
 */
final class CoalesceStage implements Stage {

  /** The fields that make two GETs different requests, besides the URL. */
  static final List<String> VARY =
      List.of("Accept", "Accept-Encoding", "Accept-Language", "Range", "If-None-Match");

  /**
   * Fields not copied to a shared response: its client frames the body itself. (The body's encoding
   * stays as the client's layer gave it.)
   */
  private static final List<String> FRAMING =
      List.of("Content-Length", "Transfer-Encoding", "Connection");

  /** The largest body shared; a larger one (by its Content-Length) is the leader's alone. */
  static final long MAX_SHARED_BYTES = 1 << 20;

  /** How long a follower waits for the leader before it goes on by itself. */
  static final long FOLLOW_NANOS = 30_000_000_000L;

  /** A flight's key; its equality written out, as ThrottleRegistry's key's is (see there). */
  private record Key(String site, String uri, String credential, List<String> vary) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Key key
          && site.equals(key.site)
          && uri.equals(key.uri)
          && java.util.Objects.equals(credential, key.credential)
          && vary.equals(key.vary);
    }

    @Override
    public int hashCode() {
      int hash = site.hashCode();
      hash = 31 * hash + uri.hashCode();
      hash = 31 * hash + (credential == null ? 0 : credential.hashCode());
      return 31 * hash + vary.hashCode();
    }
  }

  /** Jira's response, read whole, for every caller of one flight. */
  private record Shared(int status, Headers headers, byte[] body) {
    Answer answer() {
      return new Answer(status, reason(status), headers, body, "warden: Jira answered " + status);
    }
  }

  /** One request in flight to Jira, and how many callers wait for it. */
  private static final class Flight {
    final CompletableFuture<Shared> shared = new CompletableFuture<>();
    final AtomicInteger followers = new AtomicInteger();
  }

  private final ConcurrentHashMap<Key, Flight> flights = new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    if (!hop.decision().coalesce()
        || !hop.request().method().equals("GET")
        || hop.dryRun()
        || !hop.decision().allowed()
        || hop.exchange().call().unsent()) {
      return next.proceed(hop);
    }
    Key key = key(hop);
    Flight existing = flights.get(key);
    if (existing != null) {
      existing.followers.incrementAndGet();
      return follow(hop, next, existing.shared);
    }
    if (!hop.exchange().call().sharesResponses()) {
      // It cannot share what it gets: it goes alone, and leads no one.
      return next.proceed(hop);
    }
    Flight mine = new Flight();
    Flight raced = flights.putIfAbsent(key, mine);
    if (raced != null) {
      raced.followers.incrementAndGet();
      return follow(hop, next, raced.shared);
    }
    CompletableFuture<Outcome> led;
    try {
      hop.exchange().call().leadsOthers();
      led = next.proceed(hop);
    } catch (RuntimeException | Error e) {
      flights.remove(key, mine);
      mine.shared.complete(null);
      throw e;
    }
    return led.handle((outcome, error) -> lead(key, mine, outcome, error));
  }

  /** The leader's outcome: shared with its followers when there are any and it can be. */
  private Outcome lead(Key key, Flight flight, Outcome outcome, Throwable error) {
    // Out of the map first: a caller that comes now leads a flight of its own.
    flights.remove(key, flight);
    if (error != null
        || !(outcome instanceof Outcome.Sent sent)
        || flight.followers.get() == 0
        || !shareable(sent.response())) {
      flight.shared.complete(null);
      if (error != null) {
        throw error instanceof CompletionException ce ? ce : new CompletionException(error);
      }
      return outcome;
    }
    WardenResponse response = sent.response();
    Shared shared;
    try {
      shared =
          new Shared(response.status(), sharedHeaders(response.headers()), response.body().read());
    } catch (IOException | RuntimeException e) {
      flight.shared.complete(null);
      throw new CompletionException(e instanceof IOException ? e : new IOException(e));
    }
    flight.shared.complete(shared);
    return new Outcome.Answered(shared.answer(), sent.hop(), true);
  }

  /**
   * Whether followers may have a copy: a body Warden can read, not too large, and no redirect the
   * client would follow.
   */
  private static boolean shareable(WardenResponse response) {
    if (response.body() == null
        || (response.status() >= 300 && response.status() < 400 && response.status() != 304)) {
      return false;
    }
    String length = response.headers().first("Content-Length");
    try {
      return length == null || Long.parseLong(length.trim()) <= MAX_SHARED_BYTES;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Waits for the leader's response, or goes on alone when it has none to share. Never on the
   * leader's thread.
   */
  private static CompletableFuture<Outcome> follow(
      Hop hop, Chain next, CompletableFuture<Shared> flight) {
    if (hop.exchange().call().blocking()) {
      // The caller's own thread waits anyway; it goes on by itself there, never on the leader's.
      Shared shared;
      try {
        shared = flight.get(FOLLOW_NANOS, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return CompletableFuture.failedFuture(
            new InterruptedIOException(
                "warden: interrupted while waiting for an identical request's response"));
      } catch (ExecutionException | TimeoutException e) {
        shared = null;
      }
      return shared == null ? next.proceed(hop) : shared(hop, shared);
    }
    return flight.thenCompose(
        shared ->
            hop.exchange()
                .waiter()
                .delay(1)
                .thenCompose(ignored -> shared == null ? next.proceed(hop) : shared(hop, shared)));
  }

  private static CompletableFuture<Outcome> shared(Hop hop, Shared shared) {
    hop.audit().put(AuditAttributes.WARDEN_COALESCED, true);
    hop.audit().put(AuditAttributes.WARDEN_CREDENTIAL, hop.site().credential());
    return CompletableFuture.completedFuture(new Outcome.Answered(shared.answer(), hop, true));
  }

  private static Key key(Hop hop) {
    Headers headers = hop.request().headers();
    String[] vary = new String[VARY.size()];
    for (int i = 0; i < vary.length; i++) {
      List<String> values = headers.all(VARY.get(i));
      vary[i] = values == null || values.isEmpty() ? null : String.join(",", values);
    }
    return new Key(
        hop.site().id(),
        hop.request().uri().toString(),
        hop.site().credential(),
        java.util.Arrays.asList(vary));
  }

  private static Headers sharedHeaders(Headers headers) {
    Headers out = headers;
    for (String name : FRAMING) {
      out = out.without(name);
    }
    return out;
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 206 -> "Partial Content";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    };
  }
}
