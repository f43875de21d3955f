package com.acme.http;

import com.acme.micronaut.Result;
import com.acme.micronaut.Step;

/** The team's small HTTP wrapper: one call in, what the application saw out. */
public interface JiraHttp {
  Result send(Step step) throws Exception;
}
