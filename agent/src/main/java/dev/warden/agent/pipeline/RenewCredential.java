package dev.warden.agent.pipeline;

/**
 * Jira answered 401 to a credential that can be renewed (an OAuth token revoked, or expired early):
 * renew it and send the request once more, at once. Once per hop.
 */
final class RenewCredential implements ResponsePolicy {

  @Override
  public Reaction react(ResponseFacts facts) {
    Hop.Authentication sent = facts.hop().authentication();
    if (facts.status() != 401
        || facts.hop().dryRun()
        || facts.attempt().renewed()
        || !facts.replayable()
        || sent == null
        || !sent.credential().refreshable()) {
      return Reaction.NONE;
    }
    return new Reaction(0, java.util.List.of(new Reaction.Renew(sent.credential(), sent.value())));
  }
}
