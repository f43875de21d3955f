package dev.warden.testapps.fakejira;

import java.io.EOFException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Faults the soak harness turns on and off while the fake Jira serves: a slow Jira, connections
 * reset (before the request is served, or after it was and before the answer is sent), and 500 and
 * 503 answers. It also keeps, for every request that carries an {@code X-Soak-Id}, what became of
 * each time it arrived, so the harness can tell a request Jira executed twice from one it was sent
 * again after a refusal.
 */
public final class Faults {

  /** What became of one arrival of a request, in the order they came. */
  public enum Fate {
    /** Served (executed, for a write) and answered. */
    SERVED('S'),
    /** Connection reset before it was served: Jira never executed it. */
    RESET_BEFORE('r'),
    /** Executed, then the connection was reset before the answer: the caller cannot know. */
    RESET_AFTER('R'),
    /** Answered 500 or 503 without serving. */
    ERROR('5'),
    /** Answered 429 without serving. */
    RATE_LIMITED('T'),
    /** Answered 401: the credential was wrong. */
    UNAUTHORIZED('U');

    final char letter;

    Fate(char letter) {
      this.letter = letter;
    }

    /** Whether Jira executed the request this time. */
    public boolean executed() {
      return this == SERVED || this == RESET_AFTER;
    }

    static Fate of(char letter) {
      for (Fate fate : values()) {
        if (fate.letter == letter) {
          return fate;
        }
      }
      throw new IllegalArgumentException(String.valueOf(letter));
    }
  }

  private volatile long delayMillis;
  private volatile int resetPercent;
  private volatile int errorPercent;
  private volatile int errorStatus = 500;
  private volatile boolean errorRetryAfter;
  private final Map<String, StringBuilder> arrivals = new ConcurrentHashMap<>();

  /** Every answer is sent this much later (0: on time). */
  public void delay(long millis) {
    this.delayMillis = millis;
  }

  /**
   * This share of requests gets its connection closed without an answer: half before they are
   * served, half after (a write then took effect).
   */
  public void resets(int percent) {
    this.resetPercent = percent;
  }

  /**
   * This share of requests is answered {@code status} in Jira's error shape, with {@code
   * Retry-After: 1} when {@code retryAfter}.
   */
  public void errors(int percent, int status, boolean retryAfter) {
    this.errorStatus = status;
    this.errorRetryAfter = retryAfter;
    this.errorPercent = percent;
  }

  /** Turns every fault off. */
  public void clear() {
    delayMillis = 0;
    resetPercent = 0;
    errorPercent = 0;
  }

  /** What became of each arrival of each request that carried {@code X-Soak-Id}, by that id. */
  public Map<String, java.util.List<Fate>> arrivals() {
    Map<String, java.util.List<Fate>> out = new HashMap<>();
    arrivals.forEach(
        (id, letters) -> {
          java.util.List<Fate> fates = new java.util.ArrayList<>();
          synchronized (letters) {
            for (int i = 0; i < letters.length(); i++) {
              fates.add(Fate.of(letters.charAt(i)));
            }
          }
          out.put(id, fates);
        });
    return out;
  }

  void note(Request request, Fate fate) {
    String id = request.getHeaders().get("X-Soak-Id");
    if (id == null) {
      return;
    }
    StringBuilder letters = arrivals.computeIfAbsent(id, k -> new StringBuilder(2));
    synchronized (letters) {
      letters.append(fate.letter);
    }
  }

  /**
   * Applies the faults in force to a request: returns {@code true} when it was answered (or its
   * connection closed) here.
   */
  boolean apply(Request request, Response response, Callback callback) throws Exception {
    long delay = delayMillis;
    if (delay > 0) {
      Thread.sleep(delay);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int resets = resetPercent;
    if (resets > 0 && random.nextInt(100) < resets) {
      note(request, random.nextBoolean() ? Fate.RESET_BEFORE : Fate.RESET_AFTER);
      // Closes the connection under the exchange: the client sees it reset, with no answer.
      request.getConnectionMetaData().getConnection().getEndPoint().close();
      callback.failed(new EOFException("fault: connection reset"));
      return true;
    }
    int errors = errorPercent;
    if (errors > 0 && random.nextInt(100) < errors) {
      note(request, Fate.ERROR);
      if (errorRetryAfter) {
        response.getHeaders().put("Retry-After", "1");
      }
      int status = errorStatus;
      Responses.json(
          response,
          callback,
          status,
          Responses.error(
              status == 503
                  ? "Service Unavailable: Jira is temporarily unable to handle the request."
                  : "Internal server error."));
      return true;
    }
    return false;
  }
}
