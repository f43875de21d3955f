package dev.warden.agent.pipeline;

/**
 * What a hook does with one hop its client library makes on its own (the first, or a redirect the
 * library follows), as {@link Gateway#route} decides it: a hook applies the answer and names no
 * rule itself.
 */
public enum HopRoute {

  /** Not Warden's: the hop goes as the application made it. */
  UNTOUCHED(null),

  /**
   * A later hop of a Jira call, to a host that is not a site: it goes with {@link #edits()}, which
   * take every credential off.
   */
  OFF_SITE(RequestCredentials.offSite()),

  /** A hop to a site: the hook hands it to {@link Gateway#handle}, and does what that returns. */
  SITE(null);

  private final HeaderEdits edits;

  HopRoute(HeaderEdits edits) {
    this.edits = edits;
  }

  /** The edits a hop that is not handed to the pipeline goes with, or {@code null} for none. */
  public HeaderEdits edits() {
    return edits;
  }

  /**
   * Applies this route's edits, if any, through the client's own methods.
   *
   * @return whether the hop is a site's, to be handed to {@link Gateway#handle}
   */
  public boolean applyTo(
      java.util.function.Consumer<String> remove,
      java.util.function.BiConsumer<String, String> add) {
    if (edits != null) {
      edits.applyTo(remove, add);
    }
    return this == SITE;
  }
}
