package com.acme.reports;

import com.acme.http.JiraHttp;
import com.acme.quarkus.Result;
import com.acme.quarkus.Step;

/** Reads Jira for a weekly report. */
public final class WeeklyReport {

  private WeeklyReport() {}

  public static Result call(JiraHttp http, Step step) throws Exception {
    return http.send(step);
  }
}
