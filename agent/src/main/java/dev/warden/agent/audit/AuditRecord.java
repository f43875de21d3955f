package dev.warden.agent.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One Jira-bound call, as the audit keeps it: what becomes an OpenTelemetry span and a line of the
 * audit file. Filled by the pipeline's stages through {@link Builder}; never holds a secret (the
 * credential is named, the URL's credentials are redacted).
 */
public final class AuditRecord {

  /**
   * A point in time with attributes, such as a retry.
   *
   * @param name the event name
   * @param epochNanos when
   * @param attributes its attributes
   */
  public record Event(String name, long epochNanos, Map<String, Object> attributes) {}

  private final String method;
  private final String route;
  private final long startEpochNanos;
  private final long endEpochNanos;
  private final String traceparent;
  private final List<Event> events;
  private final AttributeList attributes;

  /** Whether the values given as suppliers were resolved. */
  private volatile boolean resolved;

  /**
   * Takes what the builder gathered over (the builder is done): nothing is copied on the request
   * path.
   */
  private AuditRecord(Builder b, AttributeList attributes, long endEpochNanos) {
    this.method = b.method;
    this.route = b.route;
    this.startEpochNanos = b.startEpochNanos;
    this.endEpochNanos = endEpochNanos;
    this.traceparent = b.traceparent;
    this.attributes = attributes;
    this.events = b.events == null ? List.of() : List.copyOf(b.events);
  }

  /**
   * Starts the record of a connection no hooked client made: a span named {@code CONNECT host:port}
   * with {@code server.address} and {@code server.port}.
   */
  public static Builder connect(String host, int port, long startEpochNanos) {
    Builder builder = new Builder("CONNECT", startEpochNanos);
    builder.route = host + ":" + port;
    builder.attributes.unset(AuditAttributes.HTTP_REQUEST_METHOD);
    return builder
        .put(AuditAttributes.SERVER_ADDRESS, host)
        .put(AuditAttributes.SERVER_PORT, (long) port);
  }

  /** Starts a record of a call that began at {@code startEpochNanos}. */
  public static Builder builder(String method, long startEpochNanos) {
    return new Builder(method, startEpochNanos);
  }

  /** The span name: {@code <METHOD> <route template>}, or {@code <METHOD> unknown}. */
  public String name() {
    return method + " " + (route == null ? "unknown" : route);
  }

  public long startEpochNanos() {
    return startEpochNanos;
  }

  public long endEpochNanos() {
    return endEpochNanos;
  }

  /** The application's W3C {@code traceparent}, when it sent one: the span's parent. */
  public String traceparent() {
    return traceparent;
  }

  /**
   * The attributes of CONTRACT section 5, by key, in a stable order. Values are String, Long or
   * Boolean. Values given as a {@link Supplier} (the calling method, read from a backtrace) are
   * resolved on the first call: make it off the request path.
   */
  public Map<String, Object> attributes() {
    if (!resolved) {
      synchronized (attributes) {
        if (!resolved) {
          attributes.resolve();
          resolved = true;
        }
      }
    }
    return attributes;
  }

  /** An attribute's value, or {@code null}. */
  public Object attribute(String key) {
    return attributes().get(key);
  }

  public List<Event> events() {
    return events;
  }

  /**
   * Fills a record as a call goes through the pipeline. Not thread-safe: one call's stages run one
   * after the other.
   */
  public static final class Builder {
    private final String method;
    private final long startEpochNanos;

    /** Sized for the attributes a Jira call has, so that it is not resized as they are set. */
    private AttributeList attributes = new AttributeList(32);

    private List<Event> events;
    private String route;
    private String traceparent;
    private long waitedNanos;

    private Builder(String method, long startEpochNanos) {
      this.method = method;
      this.startEpochNanos = startEpochNanos;
      attributes.set(AuditAttributes.HTTP_REQUEST_METHOD, method);
    }

    /**
     * Sets an attribute; {@code null} removes it; a {@link Supplier} is resolved when the record is
     * read.
     */
    public Builder put(String key, Object value) {
      if (value == null) {
        attributes.unset(key);
      } else {
        attributes.set(key, value);
      }
      return this;
    }

    /**
     * Adds a wait (for a throttle token, or a pause Jira asked for) to {@code
     * warden.throttle.wait_ms}.
     */
    public Builder waited(long nanos) {
      waitedNanos += nanos;
      return put(AuditAttributes.WARDEN_THROTTLE_WAIT_MS, Math.max(1, waitedNanos / 1_000_000));
    }

    /** An attribute already set, or {@code null}. */
    public Object get(String key) {
      return attributes.get(key);
    }

    /** The route template of the span name; {@code null} for an unknown operation. */
    public Builder route(String template) {
      this.route = template;
      return put(AuditAttributes.URL_TEMPLATE, template);
    }

    public Builder traceparent(String traceparent) {
      this.traceparent = traceparent;
      return this;
    }

    public Builder event(Event event) {
      if (events == null) {
        events = new ArrayList<>(2);
      }
      events.add(event);
      return this;
    }

    /** The finished record. */
    public AuditRecord end(long endEpochNanos) {
      AttributeList gathered = attributes;
      if (gathered == null) {
        throw new IllegalStateException("this audit record has ended already");
      }
      attributes = null;
      return new AuditRecord(this, gathered, endEpochNanos);
    }
  }
}
