package com.acme.triage;

import com.acme.Step;
import com.acme.http.JiraHttp;
import com.acme.http.Result;

/** Files and moves issues */
public final class TriageBot {

  private TriageBot() {}

  public static Result call(JiraHttp http, Step step) throws Exception {
    return http.send(step);
  }
}
