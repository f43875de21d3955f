package com.acme.triage;

import com.acme.http.JiraHttp;
import com.acme.micronaut.Result;
import com.acme.micronaut.Step;

/** Files and triages issues. */
public final class TriageBot {

  private TriageBot() {}

  public static Result call(JiraHttp http, Step step) throws Exception {
    return http.send(step);
  }
}
