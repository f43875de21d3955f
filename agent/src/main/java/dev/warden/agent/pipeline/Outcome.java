package dev.warden.agent.pipeline;

import dev.warden.agent.bootstrap.Answer;
import dev.warden.agent.bootstrap.WardenResponse;
import dev.warden.agent.bootstrap.WardenRequest;

/** How one hop of a call ended: a response from the network, or Warden's own answer. */
sealed interface Outcome permits Outcome.Sent, Outcome.Answered {

  /** The status the application sees. */
  int status();

  /**
   * The request was sent and this response came back.
   *
   * @param response the response
   * @param request the hop's request as the application made it, before Warden added its credential
   */
  record Sent(WardenResponse response, WardenRequest request) implements Outcome {
    @Override
    public int status() {
      return response.status();
    }
  }

  /**
   * Warden answered instead of Jira.
   *
   * @param answer the answer
   */
  record Answered(Answer answer) implements Outcome {
    @Override
    public int status() {
      return answer.status();
    }
  }
}
