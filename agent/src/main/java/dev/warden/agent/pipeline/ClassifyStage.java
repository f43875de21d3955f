package dev.warden.agent.pipeline;

import dev.warden.agent.audit.AuditAttributes;
import dev.warden.jira.Classification;
import dev.warden.jira.ProjectRefs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Classifies the hop: operation, scope, route, issue and projects, read from path and (for creates)
 * body.
 */
final class ClassifyStage implements Stage {

  @Override
  public CompletableFuture<Outcome> handle(Hop hop, Chain next) {
    Classification c =
        hop.exchange()
            .snapshot()
            .classifier()
            .classify(
                hop.request().method(),
                hop.path(),
                hop.site().dataCenter(),
                () -> hop.request().body().bytes());
    hop.audit()
        .route(c.routeTemplate())
        .put(AuditAttributes.JIRA_OPERATION, c.operation().name())
        .put(
            AuditAttributes.JIRA_SCOPE,
            c.operation().isUnknown() ? null : c.operation().scopeText())
        .put(AuditAttributes.JIRA_ISSUE_KEY, c.issueKey())
        .put(AuditAttributes.JIRA_ISSUE_ID, c.issueId())
        .put(AuditAttributes.JIRA_SERVICEDESK_ID, c.serviceDeskId());
    putProjects(hop, c.projects());
    return next.proceed(hop.classified(c));
  }

  private static void putProjects(Hop hop, ProjectRefs projects) {
    List<String> keys = new ArrayList<>(1);
    List<String> ids = new ArrayList<>(0);
    for (String value : projects.values()) {
      (Character.isDigit(value.charAt(0)) ? ids : keys).add(value);
    }
    hop.audit()
        .put(AuditAttributes.JIRA_PROJECT_KEY, keys.isEmpty() ? null : String.join(",", keys))
        .put(AuditAttributes.JIRA_PROJECT_ID, ids.isEmpty() ? null : String.join(",", ids));
  }
}
