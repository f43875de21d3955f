package com.acme.micronaut;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.client.annotation.Client;
import java.util.concurrent.CompletableFuture;

/** Jira, as a declarative Micronaut client ({@code jira.url}). */
@Client("${jira.url}")
public interface JiraApi {

  @Get("/rest/api/2/issue/{key}")
  HttpResponse<String> getIssue(String key);

  @Get("/rest/api/2/issue/{key}")
  CompletableFuture<HttpResponse<String>> getIssueAsync(String key);

  @Post("/rest/api/2/issue")
  HttpResponse<String> createIssue(@Body String body);

  @Delete("/rest/api/2/issue/{key}")
  HttpResponse<String> deleteIssue(String key);
}
