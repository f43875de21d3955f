package dev.warden.agent.audit;

/** The attribute keys of an audit record (CONTRACT section 5). */
public final class AuditAttributes {

  public static final String HTTP_REQUEST_METHOD = "http.request.method";
  public static final String URL_FULL = "url.full";
  public static final String SERVER_ADDRESS = "server.address";
  public static final String SERVER_PORT = "server.port";
  public static final String URL_TEMPLATE = "url.template";
  public static final String HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";
  public static final String HTTP_REQUEST_RESEND_COUNT = "http.request.resend_count";
  public static final String ERROR_TYPE = "error.type";
  public static final String JIRA_RATE_LIMIT_REASON = "jira.rate_limit.reason";
  public static final String JIRA_SITE = "jira.site";
  public static final String JIRA_OPERATION = "jira.operation";
  public static final String JIRA_SCOPE = "jira.scope";
  public static final String JIRA_PROJECT_KEY = "jira.project.key";

  /**
   * Not in the contract's table: a project named only by its numeric id (a create body's {@code
   * fields.project.id}).
   */
  public static final String JIRA_PROJECT_ID = "jira.project.id";

  public static final String JIRA_ISSUE_KEY = "jira.issue.key";

  /** Not in the contract's table: an issue named by its numeric id in the path. */
  public static final String JIRA_ISSUE_ID = "jira.issue.id";

  /**
   * Not in the contract's table: the Service Management service desk, from the path or a customer
   * request's body.
   */
  public static final String JIRA_SERVICEDESK_ID = "jira.servicedesk.id";

  public static final String WARDEN_DECISION = "warden.decision";
  public static final String WARDEN_COALESCED = "warden.coalesced";
  public static final String WARDEN_STORE = "warden.store";
  public static final String WARDEN_RULE = "warden.rule";
  public static final String WARDEN_CALLER = "warden.caller";
  public static final String WARDEN_CREDENTIAL = "warden.credential";
  public static final String WARDEN_THROTTLE_WAIT_MS = "warden.throttle.wait_ms";

  /** Not in the contract's table: the throttle that applied to the call. */
  public static final String WARDEN_THROTTLE = "warden.throttle";

  private AuditAttributes() {}
}
