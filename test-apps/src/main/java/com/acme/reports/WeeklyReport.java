package com.acme.reports;

import com.acme.Step;
import com.acme.http.JiraHttp;
import com.acme.http.Result;

/** Reads for reports */
public final class WeeklyReport {

  private WeeklyReport() {}

  public static Result call(JiraHttp http, Step step) throws Exception {
    return http.send(step);
  }
}
