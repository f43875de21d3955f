package dev.warden.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditRecordingTest {

  static AuditRecord record(String traceparent) {
    return AuditRecord.builder("DELETE", 1_700_000_000_000_000_000L)
        .traceparent(traceparent)
        .route("/rest/api/2/issue/{issueIdOrKey}")
        .put(AuditAttributes.SERVER_PORT, 443L)
        .put(AuditAttributes.WARDEN_DECISION, Decisions.DENY)
        .put(AuditAttributes.HTTP_RESPONSE_STATUS_CODE, 403L)
        .put(AuditAttributes.ERROR_TYPE, "403")
        .put(AuditAttributes.WARDEN_COALESCED, true)
        .event(
            new AuditRecord.Event(
                "warden.retry",
                1_700_000_000_500_000_000L,
                Map.of("http.response.status_code", 429L)))
        .end(1_700_000_001_000_000_000L);
  }

  /** Spans exported as soon as they are flushed, to an exporter that keeps them. */
  static OtelSpans spansTo(InMemorySpanExporter exporter) {
    return new OtelSpans(
        exporter,
        Resource.getDefault().merge(Resource.builder().put("service.name", "sync").build()),
        SpanBatches.Settings.DEFAULT,
        "test",
        () -> {},
        null,
        new AuditLosses());
  }

  static SpanData emitOne(AuditRecord record, String[] ids) {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OtelSpans spans = spansTo(exporter);
    String[] made = spans.emit(record, System.nanoTime());
    assertThat(exporter.getFinishedSpanItems()).as("batched, not sent per span").isEmpty();
    assertThat(spans.flush(System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).isTrue();
    System.arraycopy(made, 0, ids, 0, 3);
    return exporter.getFinishedSpanItems().get(0);
  }

  @Test
  void spanCarriesNameKindTimesAttributesAndParent() {
    String[] ids = new String[3];
    SpanData span = emitOne(record("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"), ids);

    assertThat(span.getName()).isEqualTo("DELETE /rest/api/2/issue/{issueIdOrKey}");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getStartEpochNanos()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(span.getEndEpochNanos()).isEqualTo(1_700_000_001_000_000_000L);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(span.getParentSpanContext().isRemote()).isTrue();
    // The application's trace was not sampled; the audit span is, always.
    assertThat(span.getSpanContext().isSampled()).isTrue();
    assertThat(span.getSpanContext().isValid()).isTrue();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo(443L);
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("warden.coalesced"))).isTrue();
    assertThat(span.getAttributes().get(AttributeKey.stringKey("url.template")))
        .isEqualTo("/rest/api/2/issue/{issueIdOrKey}");
    assertThat(span.getTotalAttributeCount()).isEqualTo(span.getAttributes().size());
    assertThat(span.getEvents())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("warden.retry");
              assertThat(e.getEpochNanos()).isEqualTo(1_700_000_000_500_000_000L);
              assertThat(e.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                  .isEqualTo(429L);
            });
    assertThat(span.getTotalRecordedEvents()).isEqualTo(1);
    assertThat(span.getLinks()).isEmpty();
    assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("dev.warden.audit");
    assertThat(span.getInstrumentationScopeInfo().getVersion()).isEqualTo("test");
    assertThat(span.getResource().getAttribute(AttributeKey.stringKey("service.name")))
        .isEqualTo("sync");
    assertThat(ids).containsExactly(span.getTraceId(), span.getSpanId(), "00f067aa0ba902b7");
  }

  @Test
  void aSpanWithoutAnErrorHasNoStatus() {
    AuditRecord allowed =
        AuditRecord.builder("GET", 1_700_000_000_000_000_000L)
            .route("/rest/api/3/myself")
            .put(AuditAttributes.WARDEN_DECISION, Decisions.ALLOW)
            .end(1_700_000_000_100_000_000L);
    SpanData span = emitOne(allowed, new String[3]);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getEvents()).isEmpty();
  }

  @Test
  void withoutAnExporterTheIdsAreStillMadeForTheAuditFile() {
    OtelSpans spans =
        new OtelSpans(
            null,
            Resource.getDefault(),
            SpanBatches.Settings.DEFAULT,
            "t",
            () -> {},
            null,
            new AuditLosses());
    String[] ids = spans.emit(record(null), System.nanoTime());
    assertThat(ids[0]).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    assertThat(ids[1]).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
    assertThat(ids[2]).isNull();
    assertThat(spans.service(System.nanoTime())).isEqualTo(Long.MAX_VALUE);
    assertThat(spans.flush(System.nanoTime())).isTrue();
  }

  @Test
  void aTraceparentIsReadAsTheW3cPropagatorReadsIt() {
    io.opentelemetry.api.trace.SpanContext sampled =
        OtelSpans.remoteParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(sampled.isValid()).isTrue();
    assertThat(sampled.isRemote()).isTrue();
    assertThat(sampled.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(sampled.getSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(sampled.isSampled()).isTrue();
    assertThat(
            OtelSpans.remoteParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                .isSampled())
        .isFalse();
    // A later version may append fields: the propagator's rules apply.
    assertThat(
            OtelSpans.remoteParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later")
                .getSpanId())
        .isEqualTo("00f067aa0ba902b7");
    for (String invalid :
        List.of(
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "garbage")) {
      assertThat(OtelSpans.remoteParent(invalid).isValid()).as(invalid).isFalse();
    }
  }

  @Test
  void spanWithoutTraceparentIsARoot() {
    String[] ids = new String[3];
    SpanData span = emitOne(record(null), ids);
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(ids[2]).isNull();
    assertThat(ids[0]).isEqualTo(span.getTraceId()).matches("[0-9a-f]{32}");
  }

  @Test
  void auditFileLinesAreOneJsonObjectWithTheSameAttributes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sub/audit.jsonl");
    AuditFile audit = AuditFile.open(file, AuditFile.Limits.DEFAULT, new AuditLosses());
    audit.write(record(null), new String[] {"t1", "s1", null});
    audit.write(record(null), null);
    audit.close(5);

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith(
            "{\"time\":\"2023-11-14T22:13:20Z\",\"name\":\"DELETE /rest/api/2/issue/{issueIdOrKey}\",\"kind\":\"CLIENT\","
                + "\"trace_id\":\"t1\",\"span_id\":\"s1\",\"duration_ms\":1000.0,\"attributes\":{\"http.request.method\":\"DELETE\",\"url.template\":");
    assertThat(lines.get(0))
        .contains(
            "\"server.port\":443",
            "\"warden.coalesced\":true",
            "\"events\":[{\"name\":\"warden.retry\"");
    try (JsonParser parser = new JsonFactory().createParser(lines.get(1))) {
      while (parser.nextToken() != null) {
        // Parses: valid JSON.
      }
    }
  }
}
