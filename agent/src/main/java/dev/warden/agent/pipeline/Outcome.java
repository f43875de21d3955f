package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.WardenRequest;
import dev.warden.agent.bootstrap.WardenResponse;

/**
 * How one hop of a call ended: a response from the network, Warden's own answer, or the client's
 * own failure to send. Each carries the hop as it was when it ended ({@code null} for a hop to a
 * host that is not a site), which is where the stages' findings are read from on the way back.
 */
sealed interface Outcome permits Outcome.Sent, Outcome.Answered, Outcome.Failed {

  /** The hop as it ended, or {@code null} for a hop to a host that is not a site. */
  Hop hop();

  /**
   * The request was sent and this response came back.
   *
   * @param response the response
   * @param request the hop's request as the application made it, before Warden's changes
   * @param hop the hop as it was sent
   */
  record Sent(WardenResponse response, WardenRequest request, Hop hop) implements Outcome {
    int status() {
      return response.status();
    }
  }

  /**
   * Warden answered instead of Jira.
   *
   * @param answer the answer
   * @param hop the hop it answers
   * @param relayed whether the answer is a response Jira gave another caller's identical request
   *     ({@code coalesce}), rather than a refusal of Warden's own
   */
  record Answered(Answer answer, Hop hop, boolean relayed) implements Outcome {}

  /**
   * The client could not send the request (a connection error, a timeout): the application gets the
   * client's own exception, unchanged.
   *
   * @param error the client's exception
   * @param hop the hop it was sending
   */
  record Failed(Throwable error, Hop hop) implements Outcome {}
}
