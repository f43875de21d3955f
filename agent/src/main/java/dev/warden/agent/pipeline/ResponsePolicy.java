package dev.warden.agent.pipeline;

/**
 * One thing Warden may do about Jira's response to an attempt (send the request again, pause the
 * requests Jira names, renew the credential, slow a site): a policy says what, as a {@link
 * Reaction}, and never does it. {@link ResponseRules} lists them; {@link ResponseEffects} applies
 * what they return.
 */
interface ResponsePolicy {

  /** What this policy asks for in answer to the response; {@link Reaction#NONE} when nothing. */
  Reaction react(ResponseFacts facts);
}
