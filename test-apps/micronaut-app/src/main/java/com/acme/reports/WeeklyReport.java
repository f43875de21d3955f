package com.acme.reports;

import com.acme.http.JiraHttp;
import com.acme.micronaut.Result;
import com.acme.micronaut.Step;

/** Reads Jira for a weekly report. */
public final class WeeklyReport {

  private WeeklyReport() {}

  public static Result call(JiraHttp http, Step step) throws Exception {
    return http.send(step);
  }
}
