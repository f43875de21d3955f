package com.acme.sync;

import com.acme.http.JiraHttp;
import com.acme.micronaut.Result;
import com.acme.micronaut.Step;

/** Keeps a mirror of Jira issues. */
public final class IssueSync {

  private IssueSync() {}

  public static Result call(JiraHttp http, Step step) throws Exception {
    return http.send(step);
  }
}
