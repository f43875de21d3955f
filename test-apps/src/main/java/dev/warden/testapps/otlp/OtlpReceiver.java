package dev.warden.testapps.otlp;

import com.google.protobuf.ByteString;
import dev.warden.testapps.fakejira.Servers;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A test OTLP/HTTP receiver: takes {@code POST /v1/traces} and {@code /v1/metrics} in {@code
 * application/x-protobuf}, as a collector does, and keeps every span and metric point it decodes.
 */
public final class OtlpReceiver implements AutoCloseable {

  private final Server server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final List<ReceivedPoint> points = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final boolean discarding;
  private final boolean counting;
  private final Map<String, java.util.concurrent.atomic.AtomicLong> counts =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong exports =
      new java.util.concurrent.atomic.AtomicLong();

  private OtlpReceiver(boolean discarding) throws Exception {
    this(discarding, false);
  }

  private OtlpReceiver(boolean discarding, boolean counting) throws Exception {
    this.discarding = discarding;
    this.counting = counting;
    server = new Server(new InetSocketAddress("127.0.0.1", 0));
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            if (discarding) {
              // Read what was sent, answer as a collector does, keep nothing.
              Content.Source.asByteBuffer(request);
              exports.incrementAndGet();
              return accepted(response, callback);
            }
            if (!counting) {
              requests.add(
                  request.getMethod()
                      + " "
                      + request.getHttpURI().getPath()
                      + " "
                      + request.getHeaders().get("Content-Type"));
            }
            String path = request.getHttpURI().getPath();
            if (!path.equals("/v1/traces") && !path.equals("/v1/metrics")) {
              response.setStatus(404);
              callback.succeeded();
              return true;
            }
            ByteBuffer buffer = Content.Source.asByteBuffer(request);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            if ("gzip".equalsIgnoreCase(request.getHeaders().get("Content-Encoding"))) {
              bytes = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
            }
            if (counting) {
              if (path.equals("/v1/traces")) {
                count(ExportTraceServiceRequest.parseFrom(bytes));
              }
            } else if (path.equals("/v1/metrics")) {
              decode(ExportMetricsServiceRequest.parseFrom(bytes));
            } else {
              decode(ExportTraceServiceRequest.parseFrom(bytes));
            }
            return accepted(response, callback);
          }
        });
    server.start();
  }

  /** Answers an export as a collector does when it took every span. */
  private static boolean accepted(Response response, Callback callback) {
    response.setStatus(200);
    response.getHeaders().put("Content-Type", "application/x-protobuf");
    response.write(
        true,
        ByteBuffer.wrap(ExportTraceServiceResponse.getDefaultInstance().toByteArray()),
        callback);
    return true;
  }

  public static OtlpReceiver start() throws Exception {
    return new OtlpReceiver(false);
  }

  /**
   * A receiver that answers every export as a collector does and keeps nothing (for benchmarks that
   * export for minutes): only {@link #exports()} counts them.
   */
  public static OtlpReceiver startDiscarding() throws Exception {
    return new OtlpReceiver(true);
  }

  /**
   * A receiver that decodes every span and counts them by {@code service.name}, keeping nothing
   * else (for a soak's hundreds of thousands): {@link #spanCounts()}.
   */
  public static OtlpReceiver startCounting() throws Exception {
    return new OtlpReceiver(false, true);
  }

  /** Spans a counting receiver decoded, by service name. */
  public Map<String, Long> spanCounts() {
    Map<String, Long> out = new java.util.TreeMap<>();
    counts.forEach((service, count) -> out.put(service, count.get()));
    return out;
  }

  private void count(ExportTraceServiceRequest request) {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      String service = String.valueOf(attributes(resourceSpans.getResource()).get("service.name"));
      long spans = 0;
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        spans += scopeSpans.getSpansCount();
      }
      counts
          .computeIfAbsent(service, k -> new java.util.concurrent.atomic.AtomicLong())
          .addAndGet(spans);
    }
  }

  /** Stops listening (exports refused) until {@link #restart()}. */
  public synchronized void stop() throws Exception {
    ServerConnector connector = (ServerConnector) server.getConnectors()[0];
    connector.setPort(connector.getLocalPort());
    server.stop();
  }

  /** Listens again, on the same port. */
  public synchronized void restart() throws Exception {
    server.start();
  }

  /** How many export requests a discarding receiver answered. */
  public long exports() {
    return exports.get();
  }

  /** The endpoint to give {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public URI endpoint() {
    return URI.create(
        "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
  }

  /** Every span received so far. */
  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** The requests received, as {@code METHOD path content-type}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /**
   * Waits until at least {@code count} spans match, or the timeout passes; returns those that
   * match.
   */
  public List<ReceivedSpan> await(Predicate<ReceivedSpan> filter, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ReceivedSpan> matching = spans.stream().filter(filter).toList();
      if (matching.size() >= count || System.nanoTime() > deadline) {
        return matching;
      }
      Thread.sleep(50);
    }
  }

  public void clear() {
    spans.clear();
    points.clear();
  }

  /**
   * Every metric point received so far, in the order they came (cumulative: the last is newest).
   */
  public List<ReceivedPoint> points() {
    return List.copyOf(points);
  }

  private void decode(ExportMetricsServiceRequest request) {
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      String service =
          String.valueOf(attributes(resourceMetrics.getResource()).get("service.name"));
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        String scope = scopeMetrics.getScope().getName();
        for (Metric metric : scopeMetrics.getMetricsList()) {
          List<NumberDataPoint> numbers =
              switch (metric.getDataCase()) {
                case SUM -> metric.getSum().getDataPointsList();
                case GAUGE -> metric.getGauge().getDataPointsList();
                default -> List.of();
              };
          for (NumberDataPoint point : numbers) {
            points.add(
                new ReceivedPoint(
                    service,
                    scope,
                    metric.getName(),
                    metric.getUnit(),
                    metric.getDataCase().name(),
                    attributes(point.getAttributesList()),
                    point.hasAsInt() ? point.getAsInt() : point.getAsDouble(),
                    0,
                    List.of(),
                    List.of()));
          }
          if (metric.hasHistogram()) {
            metric
                .getHistogram()
                .getDataPointsList()
                .forEach(
                    point ->
                        points.add(
                            new ReceivedPoint(
                                service,
                                scope,
                                metric.getName(),
                                metric.getUnit(),
                                "HISTOGRAM",
                                attributes(point.getAttributesList()),
                                point.getCount(),
                                point.getSum(),
                                List.copyOf(point.getExplicitBoundsList()),
                                List.copyOf(point.getBucketCountsList()))));
          }
        }
      }
    }
  }

  private void decode(ExportTraceServiceRequest request) {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      String service = String.valueOf(attributes(resourceSpans.getResource()).get("service.name"));
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          List<ReceivedSpan.Event> events = new ArrayList<>();
          span.getEventsList()
              .forEach(
                  e ->
                      events.add(
                          new ReceivedSpan.Event(e.getName(), attributes(e.getAttributesList()))));
          spans.add(
              new ReceivedSpan(
                  service,
                  scopeSpans.getScope().getName(),
                  span.getName(),
                  span.getKind().name(),
                  hex(span.getTraceId()),
                  hex(span.getSpanId()),
                  span.getParentSpanId().isEmpty() ? null : hex(span.getParentSpanId()),
                  attributes(span.getAttributesList()),
                  events,
                  span.getStatus().getCode().name()));
        }
      }
    }
  }

  private static Map<String, Object> attributes(Resource resource) {
    return attributes(resource.getAttributesList());
  }

  private static Map<String, Object> attributes(List<KeyValue> values) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (KeyValue kv : values) {
      out.put(kv.getKey(), value(kv.getValue()));
    }
    return out;
  }

  private static Object value(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case ARRAY_VALUE ->
          value.getArrayValue().getValuesList().stream().map(OtlpReceiver::value).toList();
      default -> value.toString();
    };
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Override
  public void close() {
    Servers.stop(server);
  }
}
