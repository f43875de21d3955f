package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.bootstrap.WardenResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

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
  static final List<String> VARY = List.of("Accept", "Accept-Encoding", "Accept-Language", "Range", "If-None-Match");

  /** Fields not copied to a follower: its client frames the shared body itself. */
  private static final List<String> FRAMING = List.of("Content-Length", "Transfer-Encoding", "Content-Encoding", "Connection");

  private record Key(String site, String uri, String credential, List<String> vary) {}

  /** Jira's response, read whole, for every caller of one flight. */
  private record Shared(int status, Headers headers, byte[] body) {
    Answer answer() {
      return new Answer(status, reason(status), headers, body, "warden: Jira answered " + status);
    }
  }

  private final ConcurrentHashMap<Key, CompletableFuture<Shared>> flights = new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    if (!hop.decision.coalesce() || !hop.request.method().equals("GET") || hop.dryRun() || !hop.decision.allowed()) {
      return next.proceed(hop);
    }
    Key key = key(hop);
    CompletableFuture<Shared> mine = new CompletableFuture<>();
    CompletableFuture<Shared> flight = flights.putIfAbsent(key, mine);
    if (flight != null) {
      return follow(hop, next, flight);
    }
    CompletableFuture<Outcome> led;
    try {
      led = next.proceed(hop);
    } catch (RuntimeException e) {
      led = CompletableFuture.failedFuture(e);
    }
    return led.handle((outcome, error) -> {
      if (error != null || !(outcome instanceof Outcome.Sent sent) || sent.response().body() == null) {
        land(key, mine, null);
        if (error != null) {
          throw error instanceof CompletionException ce ? ce : new CompletionException(error);
        }
        return outcome;
      }
      WardenResponse response = sent.response();
      Shared shared;
      try {
        shared = new Shared(response.status(), sharedHeaders(response.headers()), response.body().read());
      } catch (IOException | RuntimeException e) {
        land(key, mine, null);
        throw new CompletionException(e instanceof IOException ? e : new IOException(e));
      }
      land(key, mine, shared);
      return new Outcome.Answered(shared.answer());
    });
  }

  /** Waits for the leader's response, or goes on alone when it has none to share. */
  private static CompletableFuture<Outcome> follow(Hop hop, Chain next, CompletableFuture<Shared> flight) {
    if (hop.exchange.call().blocking()) {
      // The caller's own thread waits anyway; it goes on by itself there, never on the leader's.
      Shared shared = flight.join();
      return shared == null ? next.proceed(hop) : shared(hop, shared);
    }
    return flight.thenCompose(shared -> shared == null
        ? hop.exchange.waiter().delay(1).thenCompose(ignored -> next.proceed(hop))
        : shared(hop, shared));
  }

  private static CompletableFuture<Outcome> shared(Hop hop, Shared shared) {
    hop.audit.put(AuditAttributes.WARDEN_COALESCED, true);
    hop.audit.put(AuditAttributes.WARDEN_CREDENTIAL, hop.site.credential());
    return CompletableFuture.completedFuture(new Outcome.Answered(shared.answer()));
  }

  private void land(Key key, CompletableFuture<Shared> flight, Shared shared) {
    flights.remove(key, flight);
    flight.complete(shared);
  }

  private static Key key(Hop hop) {
    Headers headers = hop.request.headers();
    String[] vary = new String[VARY.size()];
    for (int i = 0; i < vary.length; i++) {
      List<String> values = headers.all(VARY.get(i));
      vary[i] = values == null || values.isEmpty() ? null : String.join(",", values);
    }
    return new Key(hop.site.id(), hop.request.uri().toString(), hop.site.credential(), java.util.Arrays.asList(vary));
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
