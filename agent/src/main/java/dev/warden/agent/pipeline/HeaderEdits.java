package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Headers;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Changes to a request's header fields that a hook makes on its client's own request object: the
 * fields to remove, then the fields to add. Made by {@link RequestCredentials}, so that a hook
 * never names a credential field itself; a hook applies them with its library's own methods ({@code
 * edits.applyTo(request::removeHeaders, request::addHeader)}).
 */
public final class HeaderEdits {

  private final List<String> removed;
  private final Headers added;

  HeaderEdits(List<String> removed, Headers added) {
    this.removed = List.copyOf(removed);
    this.added = added;
  }

  /**
   * Applies the edits through a client's own methods.
   *
   * @param remove removes every field of a name
   * @param add adds one field
   */
  public void applyTo(Consumer<String> remove, BiConsumer<String, String> add) {
    for (String name : removed) {
      remove.accept(name);
    }
    added.map().forEach((name, values) -> values.forEach(value -> add.accept(name, value)));
  }

  /** The edits applied to Warden's own form of the fields. */
  public Headers applyTo(Headers headers) {
    Headers out = headers;
    for (String name : removed) {
      out = out.without(name);
    }
    for (String name : added.names()) {
      List<String> values = new java.util.ArrayList<>(out.all(name));
      values.addAll(added.all(name));
      out = out.with(name, values);
    }
    return out;
  }

  /** Names only: the values added can be credentials. */
  @Override
  public String toString() {
    return "HeaderEdits[remove "
        + removed.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList()
        + ", add "
        + added
        + "]";
  }
}
