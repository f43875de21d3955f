package dev.warden.agent.pipeline;

import dev.warden.agent.log.Log;
import dev.warden.agent.throttle.RateLimitSignal;
import dev.warden.agent.throttle.ThrottleRegistry;
import java.util.List;

/** Applies the effects of Jira's responses on later requests: the one place that does. */
final class ResponseEffects {

  private final ThrottleRegistry throttles;

  ResponseEffects(ThrottleRegistry throttles) {
    this.throttles = throttles;
  }

  /** Notes what a site's response says of its rate limit that outlives the call: what is left. */
  void observed(String site, dev.warden.agent.bootstrap.Headers headers) {
    throttles.remaining().record(site, RateLimitSignal.remaining(headers));
  }

  void apply(List<Reaction.Effect> effects) {
    for (Reaction.Effect effect : effects) {
      if (effect instanceof Reaction.Pause pause) {
        throttles.pauses().pause(pause.scope(), pause.untilEpochMillis());
        Log.get()
            .info(
                "Jira answered "
                    + pause.status()
                    + (pause.reason() == null ? "" : " (" + pause.reason() + ")")
                    + ": pausing "
                    + pause.scope()
                    + " as it asked");
      } else if (effect instanceof Reaction.Renew renew) {
        renew.credential().invalidate(renew.refused());
      } else if (effect instanceof Reaction.Slow slow) {
        throttles.slow(slow.site(), slow.untilEpochMillis());
      }
    }
  }
}
