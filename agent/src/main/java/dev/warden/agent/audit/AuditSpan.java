package dev.warden.agent.audit;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * One audit record as the exporter reads a finished span. Built whole on the audit thread, once the
 * call is over: an audit record needs none of a live span's machinery (its lock, its growing
 * attribute map, its processor callbacks), only the immutable view exporters take.
 */
final class AuditSpan implements SpanData {

  /** What every audit span shares: where it comes from. */
  @SuppressWarnings("deprecation") // SpanData still asks for the library
  record Origin(
      Resource resource, InstrumentationScopeInfo scope, InstrumentationLibraryInfo library) {
    static Origin of(Resource resource, String name, String version) {
      return new Origin(
          resource,
          InstrumentationScopeInfo.builder(name).setVersion(version).build(),
          InstrumentationLibraryInfo.create(name, version));
    }
  }

  private final Origin origin;
  private final String name;
  private final SpanContext context;
  private final SpanContext parent;
  private final StatusData status;
  private final long start;
  private final long end;
  private final Attributes attributes;
  private final List<EventData> events;

  AuditSpan(
      Origin origin,
      String name,
      SpanContext context,
      SpanContext parent,
      StatusData status,
      long start,
      long end,
      Attributes attributes,
      List<EventData> events) {
    this.origin = origin;
    this.name = name;
    this.context = context;
    this.parent = parent;
    this.status = status;
    this.start = start;
    this.end = end;
    this.attributes = attributes;
    this.events = events;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return SpanKind.CLIENT;
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parent;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return start;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return List.of();
  }

  @Override
  public long getEndEpochNanos() {
    return end;
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public int getTotalRecordedEvents() {
    return events.size();
  }

  @Override
  public int getTotalRecordedLinks() {
    return 0;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  @Deprecated
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return origin.library();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return origin.scope();
  }

  @Override
  public Resource getResource() {
    return origin.resource();
  }

  @Override
  public String toString() {
    return "AuditSpan{" + name + ", " + context + "}";
  }
}
