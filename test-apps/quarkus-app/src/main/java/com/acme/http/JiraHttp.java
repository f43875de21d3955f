package com.acme.http;

import com.acme.quarkus.Result;
import com.acme.quarkus.Step;

/** The team's small HTTP wrapper: one call in, what the application saw out. */
public interface JiraHttp {
  Result send(Step step) throws Exception;
}
